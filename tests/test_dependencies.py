"""The code's dependencies run one way (issue "One rule, one place", point 6).

`actors` builds nothing on `reviews`; the model layer never imports the permission layer; the API
never imports the HTML views; `portal/` is the project's shell and imports no app module outside
its URL and page modules. Every import is read from the source (inside functions too), so a lazy
import cannot slip past.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent
APPS = ("actors", "reviews", "portal")
# portal's modules that may reach into the apps: the root URLs and the site pages.
PORTAL_MAY_IMPORT_APPS = {"portal.urls", "portal.api_urls", "portal.views"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).with_suffix("")
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            yield ".".join(parts), path


def _imports(name: str, path: Path) -> set[str]:
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = importlib.util.resolve_name("." * node.level + base, package)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = dict(_modules())
IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _offenders(importers, forbidden) -> list[str]:
    return sorted(
        f"{name} imports {target}"
        for name in importers
        for target in IMPORTS[name]
        if forbidden(target)
    )


def _is(target: str, *prefixes: str) -> bool:
    return any(target == p or target.startswith(p + ".") for p in prefixes)


def test_the_checker_sees_the_imports_it_must_judge():
    assert "reviews.models" in IMPORTS["reviews.permissions"]
    assert "reviews.services" in IMPORTS["reviews.api.pledges"]
    assert len(MODULES) > 40


def test_actors_builds_nothing_on_reviews():
    actors = [name for name in MODULES if _is(name, "actors")]

    assert _offenders(actors, lambda target: _is(target, "reviews")) == []


def test_the_model_layer_never_imports_the_permission_layer():
    models = [name for name in MODULES if ".models" in name]

    assert models
    assert _offenders(models, lambda target: target.split(".")[1:2] == ["permissions"]) == []


def test_the_api_never_imports_the_html_views():
    api = [name for name in MODULES if name.split(".")[1:2] in (["api"], ["serializers"])]

    assert "reviews.api.comments" in api
    assert _offenders(api, lambda target: _is(target, "actors.views", "reviews.views")) == []


def test_portal_imports_no_app_module_outside_its_url_and_page_modules():
    shell = [n for n in MODULES if _is(n, "portal") and n not in PORTAL_MAY_IMPORT_APPS]

    assert "portal.api" in shell and "portal.access" in shell
    assert _offenders(shell, lambda target: _is(target, "actors", "reviews")) == []


def test_no_private_name_is_imported_from_another_module():
    def private(target: str) -> bool:
        last = target.rpartition(".")[2]
        return last.startswith("_") and not last.startswith("__") and _is(target, *APPS)

    assert _offenders(MODULES, private) == []


@pytest.mark.django_db
def test_no_migration_of_actors_depends_on_the_reviews_app():
    loader = MigrationLoader(None, ignore_no_migrations=True)

    dependencies = {
        (key, parent)
        for key, migration in loader.disk_migrations.items()
        if key[0] == "actors"
        for parent in migration.dependencies
        if parent[0] == "reviews"
    }

    assert dependencies == set()
