"""The curated fixtures against the texts of their sources: every locator stands in the source
it cites, and no text copies a long run of a source word for word.

The source texts live outside the repository, in ``../shared/sources/`` beside it (the folder the
design names), or wherever ``SOURCES_DIR`` points.
"""

import json
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from reviews.reference import REFERENCE_FIXTURES

SOURCES_DIR = Path(
    os.environ.get("SOURCES_DIR", Path(settings.BASE_DIR).parent / "shared" / "sources")
)
# A run of more words than this, copied from a source, is a quotation, not a description.
LONGEST_COPIED_RUN = 20

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"}
)


def normalise(text: str) -> str:
    """One form for comparing: compatible characters, plain quotes and dashes, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip().casefold()


def words(text: str) -> list[str]:
    return re.findall(r"[\w']+", normalise(text).replace("'", ""))


def fixture_records():
    for fixture in REFERENCE_FIXTURES:
        for record in json.loads(fixture.path.read_text(encoding="utf-8")):
            yield fixture.file_name, record


@cache
def source_files() -> dict[str, str]:
    """The file name of each source document, by slug."""
    return {
        record["fields"]["slug"]: record["fields"]["file_name"]
        for _, record in fixture_records()
        if record["model"] == "actors.sourcedocument"
    }


@cache
def source_text(file_name: str) -> str:
    path = SOURCES_DIR / file_name
    assert path.is_file(), f"Source text {path} is missing: set SOURCES_DIR to the sources folder."
    return path.read_text(encoding="utf-8")


@cache
def source_runs() -> dict[tuple[str, ...], str]:
    """Every run of LONGEST_COPIED_RUN + 1 words of every source, with the file it comes from."""
    runs = {}
    size = LONGEST_COPIED_RUN + 1
    for file_name in set(source_files().values()):
        sequence = words(source_text(file_name))
        for start in range(len(sequence) - size + 1):
            runs[tuple(sequence[start : start + size])] = file_name
    return runs


def copied_runs(text: str) -> list[str]:
    sequence = words(text)
    size = LONGEST_COPIED_RUN + 1
    return [
        " ".join(sequence[start : start + size])
        for start in range(len(sequence) - size + 1)
        if tuple(sequence[start : start + size]) in source_runs()
    ]


def test_every_citation_locator_stands_in_the_text_of_the_source_it_cites():
    citations = [
        (file_name, record["fields"])
        for file_name, record in fixture_records()
        if record["model"].endswith("citation")
    ]
    missing = [
        (file_name, fields["record"], fields["source"][0], fields["locator"])
        for file_name, fields in citations
        if normalise(fields["locator"])
        not in normalise(source_text(source_files()[fields["source"][0]]))
    ]

    assert len(citations) > 300  # the check reads the citations of every file
    assert not missing, "\n".join(map(repr, missing))


def test_no_fixture_text_copies_more_than_twenty_words_of_a_source():
    copies = [
        (file_name, record["model"], field, run)
        for file_name, record in fixture_records()
        for field, value in record["fields"].items()
        if isinstance(value, str)
        for run in copied_runs(value)[:1]
    ]

    assert not copies, "\n".join(map(repr, copies))


@pytest.mark.parametrize(
    ("text", "copied"),
    [
        # 21 words of the 2022 stock-taking, with its curly quotes and line breaks undone.
        (
            "Local governments strongly reiterated their 2018 call in Marrakech to implement\n"
            "the GCM and the Global Compact on Refugees (GCR) ‘in unison’ and brought",
            True,
        ),
        (
            "Local governments strongly reiterated their 2018 call in Marrakech to implement the "
            "GCM and the Global Compact on Refugees",
            False,
        ),
    ],
)
def test_the_verbatim_check_finds_a_run_of_21_words_whatever_its_quotes_and_spaces(text, copied):
    assert bool(copied_runs(text)) is copied


def test_the_locator_check_refuses_a_phrase_the_source_does_not_contain():
    text = normalise(source_text("001_dce8a76f00fe6939.txt"))

    assert normalise("18 cities and 12 mayors joined on the sidelines") in text
    assert normalise("18 cities and 14 mayors joined on the sidelines") not in text
