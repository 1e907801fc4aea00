"""The OpenAPI schema is valid and complete, and the browsable docs need no other host."""

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from portal.api_urls import router
from reviews.api.stats import STATS

pytestmark = pytest.mark.django_db

LOCAL_HOSTS = {"testserver", "localhost", "127.0.0.1"}


def test_the_schema_command_validates_without_a_warning(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    document = yaml.safe_load(target.read_text())
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "GCM Review Portal API"


@pytest.fixture
def served(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return json.loads(response.content)


def _expected_operations() -> set[tuple[str, str]]:
    """(path, method) of every route of the router and of the statistics."""
    expected = set()
    for prefix, viewset, _ in router.registry:
        # A pledge's own routes (`pledges/(?P<pledge_id>[0-9]+)/results`) name their pledge.
        base = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", f"/api/v1/{prefix}/")
        lookup = "{" + getattr(viewset, "lookup_field", "pk").replace("pk", "id") + "}"
        item = f"{base}{lookup}/"
        if hasattr(viewset, "list"):
            expected.add((base, "get"))
        if hasattr(viewset, "create"):
            expected.add((base, "post"))
        if hasattr(viewset, "retrieve"):
            expected.add((item, "get"))
        allowed = getattr(viewset, "http_method_names", [])
        if hasattr(viewset, "partial_update") and "patch" in allowed:
            expected.add((item, "patch"))
        if hasattr(viewset, "update") and "put" in allowed:
            expected.add((item, "put"))
        if hasattr(viewset, "destroy") and "delete" in allowed:
            expected.add((item, "delete"))
        for action in viewset.get_extra_actions():
            path = f"{item}{action.url_path}/" if action.detail else f"{base}{action.url_path}/"
            expected |= {(path, method) for method in action.mapping}
    expected |= {(f"/api/v1/stats/{name}/", "get") for name in STATS}
    expected.add(("/api/v1/search/", "get"))
    return expected


def test_every_route_of_the_api_is_in_the_schema(served):
    documented = {
        (path, method)
        for path, operations in served["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }

    assert documented == _expected_operations()
    assert ("/api/v1/pledges/{id}/return/", "post") in documented
    assert ("/api/v1/pledges/{pledge_id}/results/", "post") in documented
    assert ("/api/v1/pledges/{pledge_id}/results/{id}/", "put") in documented
    assert ("/api/v1/pledges/{pledge_id}/results/{id}/", "patch") not in documented
    assert ("/api/v1/pledges/{id}/", "put") not in documented
    assert ("/api/v1/pledges/{id}/", "delete") not in documented


def test_every_operation_documents_its_json_errors(served):
    for path, operations in served["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            needed = {"401", "404", "429"} | ({"400", "403", "409"} if method != "get" else set())
            assert needed <= codes, (method, path, needed - codes)
            for code in needed:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"], (method, path, code)


def test_pledge_objects_are_described_with_the_fields_of_the_design(served):
    pledge = served["components"]["schemas"]["Pledge"]["properties"]

    assert {
        "id",
        "url",
        "title",
        "summary",
        "lead",
        "partners",
        "objectives",
        "primary_objective",
        "principles",
        "cycle",
        "status",
        "implementation_status",
        "created_at",
        "submitted_at",
        "published_at",
        "updated_at",
    } <= set(pledge)
    lead = served["components"]["schemas"]["ActorBrief"]["properties"]
    assert set(lead) == {"id", "name", "kind", "country"}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.references, self.inline_scripts = [], 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name):
                self.references.append(attrs[name])
        self._in_script = tag == "script" and not attrs.get("src")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        self._in_script = False


def _foreign_urls(text: str) -> list[str]:
    urls = re.findall(r"""https?://[^\s"'<>)]+""", text)
    return [url for url in urls if urlsplit(url).hostname not in LOCAL_HOSTS]


def test_the_docs_render_from_this_host_only(client):
    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>GCM Review Portal API</title>" in html
    assert _foreign_urls(html) == []
    links = _Links()
    links.feed(html)
    # The page's own start-up script and its note's link to the schema aside, every asset is a
    # static file: Swagger UI's (the sidecar's) and the portal's own script for it.
    assets = [url for url in links.references if not url.startswith(("/api/docs/", "/api/schema/"))]
    assert any(url.startswith("/static/drf_spectacular_sidecar/") for url in assets), assets
    assert all(url.startswith("/static/") for url in assets), assets
    assert links.inline_scripts == 0, "the content security policy allows no inline script"
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), f"{url} ships with the portal"


def test_the_docs_start_up_script_comes_from_this_host_and_loads_the_schema(client):
    html = client.get(reverse("api:docs")).content.decode()
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*)"', html).group(1)

    script = client.get(script_url.replace("&amp;", "&"))

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    body = script.content.decode()
    assert 'url: "/api/schema/"' in body
    assert _foreign_urls(body) == []
    assert "script-src 'self'" in client.get(reverse("api:docs"))["Content-Security-Policy"]
