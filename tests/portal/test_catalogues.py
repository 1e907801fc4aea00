"""The six catalogues are complete: every marked string of the interface is in each of them,
translated, none fuzzy, and each translation keeps its original's placeholders (issue 12).

`make messages` extracts the strings; the translations are the project's own, written in the
catalogues (locale/<language>/LC_MESSAGES/django.po and djangojs.po)."""

import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
# Each of the six UN languages, as Django names its catalogue folder.
CATALOGUE_LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh_Hans"]
DOMAINS = ["django", "djangojs"]
# What `make messages` reads (the Makefile's MESSAGE_SOURCES ignores the rest).
SOURCES = ["actors", "reviews", "portal", "templates", "static/js", "manage.py"]


def catalogue(language: str, domain: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def test_settings_languages_are_the_catalogues():
    codes = {code for code, _ in settings.LANGUAGES}

    assert codes == {"en", "fr", "es", "ar", "ru", "zh-hans"}
    for language in CATALOGUE_LANGUAGES:
        for domain in DOMAINS:
            assert (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").is_file()


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language, domain):
    found = catalogue(language, domain)

    untranslated = [entry.msgid for entry in found.untranslated_entries()]
    fuzzy = [entry.msgid for entry in found.fuzzy_entries()]
    name = f"{language}/{domain}"
    assert not untranslated, f"{name}: {len(untranslated)} untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{name}: {len(fuzzy)} fuzzy: {fuzzy[:10]}"
    assert not found.obsolete_entries()


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_each_catalogue_compiles_with_its_placeholders_checked(language, domain, tmp_path):
    # msgfmt --check: the plural forms header, and every python-format / javascript-format
    # translation with exactly its original's placeholders.
    source = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    done = subprocess.run(
        [shutil.which("msgfmt") or "msgfmt", "--check", "-o", str(tmp_path / "o.mo"), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogues `make messages` would write now, from a copy of the sources."""
    copy = tmp_path_factory.mktemp("sources")
    for source in SOURCES:
        path = ROOT / source
        if path.is_dir():
            shutil.copytree(path, copy / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, copy / source)
    (copy / "locale").mkdir()
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "fr", "-d", domain, "-v0"],
            cwd=copy,
            env={"PATH": "/usr/bin:/bin", "ENV_FILE": "/dev/null.absent"},
            check=True,
            capture_output=True,
        )
    return {domain: copy / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po" for domain in DOMAINS}


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_the_catalogues_hold_exactly_the_strings_the_code_marks(extracted, language, domain):
    marked = {key(entry) for entry in polib.pofile(str(extracted[domain]))}
    shipped = {key(entry) for entry in catalogue(language, domain)}

    missing = sorted(marked - shipped, key=str)
    stale = sorted(shipped - marked, key=str)
    assert not missing, f"run make messages and translate: {missing[:10]}"
    assert not stale, f"run make messages (no longer in the code): {stale[:10]}"


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_plural_forms_are_those_of_djangos_own_catalogue_of_the_language(language):
    # Arabic has six forms, Russian four, Chinese one: the portal counts as Django's own
    # messages do in the same language (its forms, in its order), not as English does.
    django_catalogue = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES"

    for domain in DOMAINS:
        forms = catalogue(language, domain).metadata["Plural-Forms"]
        assert forms == polib.pofile(str(django_catalogue / "django.po")).metadata["Plural-Forms"]
