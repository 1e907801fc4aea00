"""Open data exports: the filtered selection, whole, in CSV, XLSX and JSON, and nothing private.

Every body is read as a user would read it: CSV with csv.reader, XLSX with openpyxl, JSON with
json.loads. The format contract (headers, responses, cells, streaming) is in test_open_data.py.
"""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actors.models import Actor, Region
from reviews.models import Objective, Pledge, ReviewCycle
from tests.factories import (
    ActorFactory,
    CommentFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
    bulk_pledges,
)

pytestmark = pytest.mark.django_db

S = Pledge.Status
FORMATS = ["csv", "xlsx", "json"]
RESOURCES = ["pledges", "comments", "progress-updates"]


# Reading an export ----------------------------------------------------------------------------


def download(client, resource, fmt, query=None):
    """The response and its whole body. The body is consumed here: an error raised while
    streaming (after the 200 was sent) fails the test instead of going unnoticed."""
    response = client.get(reverse("reviews:export", args=[resource, fmt]), query or {})
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def records(fmt, body) -> tuple[list[str], list[dict]]:
    """The header and the rows (as dicts) of an export, read with each format's own reader."""
    if fmt == "csv":
        header, *rows = csv.reader(io.StringIO(complete_csv(body), newline=""))
        assert all(len(row) == len(header) for row in rows)
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        header, *rows = [list(map(ooxml, row)) for row in sheet.iter_rows(values_only=True)]
    else:
        objects = json.loads(body)
        assert isinstance(objects, list) and all(isinstance(o, dict) for o in objects)
        header = list(objects[0]) if objects else []
        assert all(list(o) == header for o in objects)
        return header, objects
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def complete_csv(body: bytes) -> str:
    """The text of a CSV export without its BOM and its trailer, which must say how many rows
    came before it (the check an analyst makes, described on the open data page)."""
    assert body.startswith("\ufeff".encode())
    text = body.decode()[1:]
    head, trailer = text.removesuffix("\r\n").rsplit("\r\n", 1)
    match = re.fullmatch(r"# complete: (\d+) rows", trailer)
    assert match, f"no trailer: {trailer!r}"
    rows = list(csv.reader(io.StringIO(head + "\r\n", newline="")))
    assert len(rows) - 1 == int(match[1])
    return head + "\r\n"


def ooxml(value):
    """A cell as a spreadsheet shows it: control characters are stored escaped (_x000D_),
    which openpyxl leaves as they are."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match[1], 16)), value)


def exported_ids(fmt, body) -> list[int]:
    return [int(row["id"]) for row in records(fmt, body)[1]]


def plain_text(fmt, body) -> bytes:
    """The bytes a reader could see: an XLSX file is a zip, so its members are unpacked."""
    if fmt != "xlsx":
        return body
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


CARD = re.compile(r'<article class="card pledge-card">\s*<h2[^>]*><a href="[^"]*/pledges/(\d+)/"')
NEXT = re.compile(r'<a rel="next" href="\?([^"]*)"')


def listed_ids(client, query) -> tuple[list[int], int]:
    """The ids the HTML list shows for a query, over all its pages, and the number of pages."""
    url, ids, pages = reverse("reviews:pledge-list"), [], 0
    search = urlencode(query)
    while search is not None and pages < 20:
        response = client.get(f"{url}?{search}")
        assert response.status_code == 200
        html = response.content.decode()
        ids += [int(pk) for pk in CARD.findall(html)]
        pages += 1
        following = NEXT.search(html)
        search = unescape(following.group(1)) if following else None
    return ids, pages


def objectives(*numbers):
    return list(Objective.objects.filter(number__in=numbers))


# The selection is the list's selection, whole ---------------------------------------------------


@pytest.fixture
def catalogue(db):
    """Groups of pledges that differ in every filtered attribute; one group is larger than two
    pages of the list; every non-public pledge would match every filter."""
    now = timezone.now()
    state = ActorFactory(
        name="Ministry of Testland",
        kind=Actor.Kind.MEMBER_STATE,
        region=Region.AFRICA,
        country="SN",
    )
    ngo = ActorFactory(
        name="Recruitment Watch",
        kind=Actor.Kind.CIVIL_SOCIETY,
        region=Region.EUROPE_NORTH_AMERICA,
        country="FR",
    )
    regional = ReviewCycle.objects.get(slug="regional-reviews-2024")
    seasonal = {"title": "Seasonal pathways", "implementation_status": "in-progress"}
    return {
        "state": bulk_pledges(
            45, lead=state, objectives=objectives(7, 8), published=True, **seasonal
        ),
        "amber": bulk_pledges(
            6,
            lead=ngo,
            objectives=objectives(7),
            published=True,
            last_reported_at=now - dt.timedelta(days=540),
            cycle=regional,
            countries="SN,GH",
            title="Fair recruitment charter",
        ),
        "red": bulk_pledges(
            4,
            lead=ngo,
            objectives=objectives(3),
            published=True,
            last_reported_at=now - dt.timedelta(days=900),
            cycle=regional,
            implementation_status="in-progress",  # under way, so it owes a report
            title="Return and reintegration",
        ),
        "withdrawn": bulk_pledges(
            3,
            lead=state,
            objectives=objectives(7),
            status=S.WITHDRAWN,
            published_at=now,
            **seasonal,
        ),
        "private": [
            bulk_pledges(1, lead=state, objectives=objectives(3, 7, 8), status=status, **seasonal)[
                0
            ]
            for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED)
        ],
    }


FILTER_CASES = [
    ({}, ["state", "amber", "red", "withdrawn"]),
    ({"objective": "7"}, ["state", "amber", "withdrawn"]),
    ({"objective": "8", "actor_kind": "member-state"}, ["state"]),
    ({"region": "europe-north-america"}, ["amber", "red"]),
    ({"country": "SN"}, ["state", "amber", "withdrawn"]),
    ({"cycle": "regional-reviews-2024", "implementation_status": "planned"}, ["amber"]),
    ({"freshness": "amber"}, ["amber"]),
    ({"freshness": "red"}, ["red"]),
    ({"freshness": "green", "objective": "7"}, ["state"]),
    ({"q": "WATCH"}, ["amber", "red"]),
    ({"q": "charter"}, ["amber"]),
    ({"q": "pathways", "region": "africa", "cycle": "imrf-2026"}, ["state", "withdrawn"]),
]


@pytest.mark.parametrize(
    ("query", "groups"), FILTER_CASES, ids=[urlencode(query) or "all" for query, _ in FILTER_CASES]
)
def test_every_format_exports_exactly_the_pledges_the_filtered_list_shows(
    client, catalogue, query, groups
):
    expected = sorted(pledge.pk for group in groups for pledge in catalogue[group])

    listed, _ = listed_ids(client, query)
    assert sorted(listed) == expected
    for fmt in FORMATS:
        exported = exported_ids(fmt, download(client, "pledges", fmt, query)[1])
        assert len(exported) == len(set(exported)), fmt
        assert sorted(exported) == expected, fmt


def test_the_export_is_the_whole_selection_not_the_first_page_of_the_list(client, catalogue):
    query = {"objective": "8", "actor_kind": "member-state"}

    listed, pages = listed_ids(client, query)

    assert (len(listed), pages) == (45, 3)
    for fmt in FORMATS:
        assert len(exported_ids(fmt, download(client, "pledges", fmt, query)[1])) == 45, fmt


@pytest.mark.parametrize("query", [{}, {"objective": "7", "q": "pathways"}])
def test_the_export_links_of_the_list_carry_its_query_without_the_page(client, catalogue, query):
    response = client.get(reverse("reviews:pledge-list"), {**query, "page": "2"})

    links = [unescape(href) for href in re.findall(r'href="([^"]*/exports/[^"]*)"', response.text)]
    suffix = f"?{urlencode(query)}" if query else ""
    assert links == [reverse("reviews:export", args=["pledges", f]) + suffix for f in FORMATS]
    listed, _ = listed_ids(client, query)
    assert sorted(exported_ids("csv", client.get(links[0]).getvalue())) == sorted(listed)


# Only what the site shows anyone --------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_only_public_rows_are_exported_never_drafts_hidden_or_deleted_content(
    client, conversation, resource, fmt
):
    _, body = download(client, resource, fmt)

    assert set(exported_ids(fmt, body)) == conversation[resource]
    assert b"secret-" not in plain_text(fmt, body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_withdrawn_pledge_is_exported_with_the_status_withdrawn(client, conversation, fmt):
    rows = records(fmt, download(client, "pledges", fmt)[1])[1]

    status = {int(row["id"]): row["status"] for row in rows}
    assert status[conversation["withdrawn"]] == "withdrawn"
    assert sorted(status.values()) == ["published", "withdrawn"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_visible_reply_to_a_hidden_comment_is_not_exported_as_the_site_does_not_show_it(
    client, conversation, fmt
):
    hidden = conversation["hidden"]
    CommentFactory(pledge=hidden.pledge, parent=hidden, body="secret-reply-to-hidden")

    _, body = download(client, "comments", fmt)

    assert set(exported_ids(fmt, body)) == conversation["comments"]
    assert b"secret-" not in plain_text(fmt, body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_email_address_appears_in_any_export(client, conversation, fmt):
    author = VerifiedUserFactory(display_name="")
    pledge = PledgeFactory(published=True, contact_email="contact@example.org")
    comment = CommentFactory(pledge=pledge, author=author)
    ProgressUpdateFactory(pledge=pledge, author=author)

    for resource in RESOURCES:
        _, body = download(client, resource, fmt)
        assert len(exported_ids(fmt, body)) > 2, resource
        assert b"@" not in plain_text(fmt, body), resource
    rows = records(fmt, download(client, "comments", fmt)[1])[1]
    assert {int(row["id"]): row["author"] for row in rows}[comment.pk] == "member"


# Filters of the comments and progress-updates exports -----------------------------------------


def test_the_comments_export_takes_its_filters_and_keeps_out_hidden_comments(client, conversation):
    hidden = conversation["hidden"]
    on_pledge = set(hidden.pledge.comments.filter(is_hidden=False, deleted_at__isnull=True))
    (deleted_reply,) = conversation["deleted"].replies.all()
    on_objective = CommentFactory(pledge=None, objective=Objective.objects.get(number=12))
    since = timezone.now()
    later = CommentFactory(pledge=None, objective=Objective.objects.get(number=12))

    def ids(**query):
        return set(exported_ids("json", download(client, "comments", "json", query)[1]))

    assert ids(pledge=hidden.pledge_id) == {c.pk for c in on_pledge} and len(on_pledge) == 2
    assert ids(objective=12) == {on_objective.pk, later.pk}
    assert ids(objective=12, since=since.isoformat()) == {later.pk}
    assert ids(parent=conversation["deleted"].pk) == {deleted_reply.pk}
    # A draft's id is refused as an id nothing has: the export does not tell that it exists.
    url = reverse("reviews:export", args=["comments", "json"])
    refusals = [client.get(url, {"pledge": pk}) for pk in (conversation["draft"].pk, 987654)]
    assert [r.status_code for r in refusals] == [400, 400]


def test_the_progress_updates_export_takes_its_filters_and_keeps_out_hidden_ones(client):
    state = ActorFactory(kind=Actor.Kind.MEMBER_STATE)
    pledge = PledgeFactory(published=True, lead=state, objectives=objectives(6, 9))
    shown = ProgressUpdateFactory(pledge=pledge, stage="completed")
    ProgressUpdateFactory(pledge=pledge, stage="completed", is_hidden=True)
    other = ProgressUpdateFactory(pledge=PledgeFactory(published=True, objectives=objectives(2)))

    def ids(**query):
        return exported_ids("csv", download(client, "progress-updates", "csv", query)[1])

    assert ids(pledge=pledge.pk) == [shown.pk]
    assert ids(objective=9) == [shown.pk]
    assert ids(objective=2) == [other.pk]
    assert ids(stage="completed") == [shown.pk]
    assert ids(actor_kind="member-state") == [shown.pk]
    assert ids(stage="planned") == []
