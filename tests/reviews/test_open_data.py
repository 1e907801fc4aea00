"""The open data contract, as the open data page documents it: column names, formats, responses,
cell values (formulas neutralised, joined lists) and streaming. Renaming or removing a column must
fail here first."""

import datetime as dt
import decimal
import io
import json
import re
from html import unescape

import pytest
from django.db import connection
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from reviews import exports
from reviews.exports import streams
from reviews.models import GuidingPrinciple, Objective, Pledge, PledgePartner
from tests.factories import (
    ActorFactory,
    CommentFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    bulk_pledges,
)
from tests.reviews.test_exports import (
    FORMATS,
    RESOURCES,
    download,
    exported_ids,
    objectives,
    records,
)

pytestmark = pytest.mark.django_db

CONTRACT = {
    "pledges": [
        "id",
        "title",
        "summary",
        "language",
        "lead_id",
        "lead_name",
        "lead_kind",
        "lead_country",
        "lead_region",
        "partners",
        "objectives",
        "primary_objective",
        "principles",
        "cycle",
        "kind",
        "matches",
        "support",
        "amount",
        "currency",
        "scope",
        "countries",
        "start_date",
        "end_date",
        "status",
        "implementation_status",
        "measurable",
        "endorsements",
        "last_reported_at",
        "created_at",
        "submitted_at",
        "published_at",
        "updated_at",
    ],
    "comments": [
        "id",
        "pledge",
        "objective",
        "paragraph",
        "round_table",
        "progress_update",
        "parent",
        "author",
        "actor_name",
        "actor_kind",
        "body",
        "language",
        "created_at",
        "edited_at",
    ],
    "progress-updates": [
        "id",
        "pledge",
        "pledge_title",
        "date",
        "stage",
        "actor_name",
        "actor_kind",
        "narrative",
        "language",
        "created_at",
    ],
}
CONTRACT["questions"] = [
    "id",
    "pledge",
    "pledge_title",
    "addressed_to_id",
    "addressed_to_name",
    "addressed_to_kind",
    "author",
    "actor_name",
    "actor_kind",
    "body",
    "language",
    "status",
    "created_at",
    "answered_at",
    "response_seconds",
    "answer",
    "closed_at",
    "closed_reason",
]
CONTRACT["needs"] = [
    "id",
    "title",
    "description",
    "language",
    "actor_id",
    "actor_name",
    "actor_kind",
    "objectives",
    "support",
    "countries",
    "cycle",
    "status",
    "met_at",
    "created_at",
    "updated_at",
]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
BOM = "\ufeff".encode()


@pytest.fixture
def one_of_each(db):
    update = ProgressUpdateFactory(narrative="Über 300 Saisonarbeiter – erreicht.")
    comment = CommentFactory(pledge=update.pledge, body="Migración segura, ¿cuándo?")
    return {"pledges": update.pledge, "comments": comment, "progress-updates": update}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_the_header_of_every_export_is_the_documented_list_of_columns(
    client, one_of_each, resource, fmt
):
    header, rows = records(fmt, download(client, resource, fmt)[1])

    assert header == CONTRACT[resource]
    assert [int(row["id"]) for row in rows] == [one_of_each[resource].pk]


def test_the_open_data_page_lists_every_column_with_its_description(client):
    response = client.get(reverse("reviews:open-data"))

    html = response.content.decode()
    sections = re.findall(
        r'<section aria-labelledby="export-([a-z-]+)">(.*?)</section>', html, re.S
    )
    # The questions' and the needs' exports are documented beside the others (their own tests:
    # tests/reviews/test_questions.py, tests/reviews/test_needs.py).
    assert [name for name, _ in sections] == [*RESOURCES, "questions", "needs"]
    descriptions = {name: [c.description for c in cols] for name, cols in exports.documentation()}
    for name, section in sections:
        rows = re.findall(r'<th scope="row"><code>(.*?)</code></th><td>(.*?)</td>', section)
        documented = [(unescape(column), unescape(meaning)) for column, meaning in rows]
        assert documented == list(zip(CONTRACT[name], descriptions[name], strict=True))
        assert all(meaning.strip() for _, meaning in documented)
        for fmt in FORMATS:
            assert reverse("reviews:export", args=[name, fmt]) in section


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_an_export_streams_as_a_named_attachment_of_its_media_type(
    client, one_of_each, resource, fmt
):
    response = client.get(reverse("reviews:export", args=[resource, fmt]))

    assert response.status_code == 200 and response.streaming
    if fmt == "xlsx":
        assert isinstance(response, FileResponse)
    else:
        assert type(response) is StreamingHttpResponse
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert re.fullmatch(
        rf'attachment; filename="gcm-{resource}-\d{{8}}\.{fmt}"', response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)


def test_csv_starts_with_one_utf8_bom_and_parses_with_csv_reader(client, one_of_each):
    _, body = download(client, "comments", "csv")

    assert body.startswith(BOM) and BOM not in body[3:]
    header, rows = records("csv", body)
    assert (header, [row["body"] for row in rows]) == (
        CONTRACT["comments"],
        ["Migración segura, ¿cuándo?"],
    )


@pytest.mark.parametrize("resource", RESOURCES)
def test_json_is_a_list_of_objects_keyed_by_the_column_names(client, one_of_each, resource):
    _, body = download(client, resource, "json")

    objects = json.loads(body)
    assert isinstance(objects, list) and len(objects) == 1
    assert list(objects[0]) == CONTRACT[resource]
    assert objects[0]["id"] == one_of_each[resource].pk


def test_json_values_are_numbers_text_iso_dates_and_utc_timestamps(client):
    pledge = PledgeFactory(
        published=True,
        support="financial",
        amount=decimal.Decimal("1250000.50"),
        currency="USD",
        countries="SN,GH",
    )

    (row,) = json.loads(download(client, "pledges", "json")[1])

    assert (row["id"], row["lead_id"], row["primary_objective"]) == (pledge.pk, pledge.lead_id, 6)
    assert (row["amount"], row["currency"], row["countries"]) == ("1250000.50", "USD", "GH,SN")
    assert (row["start_date"], row["end_date"], row["matches"]) == (
        "2026-01-01",
        "2028-12-31",
        None,
    )
    assert row["published_at"] == pledge.published_at.astimezone(dt.UTC).isoformat()
    assert row["published_at"].endswith("+00:00")


def test_xlsx_opens_with_the_header_row_and_one_row_per_pledge_with_numeric_numbers(client):
    pledges = [
        PledgeFactory(published=True, support="financial", amount=decimal.Decimal("99.50"))
        for _ in range(4)
    ]

    _, body = download(client, "pledges", "xlsx")

    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "pledges"
    header, *rows = list(sheet.iter_rows())
    assert [cell.value for cell in header] == CONTRACT["pledges"]
    assert [row[0].value for row in rows] == [pledge.pk for pledge in pledges]
    column = {name: index for index, name in enumerate(CONTRACT["pledges"])}
    for row in rows:
        for name in ("id", "lead_id", "primary_objective", "amount"):
            assert row[column[name]].data_type == "n", name
        assert row[column["amount"]].value == 99.5
        assert row[column["title"]].data_type == "s"
        assert row[column["matches"]].value is None


@pytest.mark.parametrize("resource", RESOURCES)
def test_an_empty_selection_is_a_header_alone_or_an_empty_list(client, resource):
    for fmt in FORMATS:
        header, rows = records(fmt, download(client, resource, fmt)[1])
        assert (header, rows) == (CONTRACT[resource] if fmt != "json" else [], []), fmt
    assert json.loads(download(client, resource, "json")[1]) == []


@pytest.mark.parametrize(
    "path",
    [
        "actors.csv",
        "users.json",
        "pledges.pdf",
        "pledges.CSV",
        "pledges",
        "pledges.csv/",
        "pledges.csv.json",
    ],
)
def test_an_unknown_resource_or_format_is_not_found(client, path):
    base = reverse("reviews:export", args=["pledges", "csv"]).removesuffix("pledges.csv")

    assert client.get(base + path).status_code == 404


@pytest.mark.parametrize(("resource", "fmt"), [("actors", "csv"), ("pledges", "pdf")])
def test_the_export_view_itself_refuses_an_unknown_resource_or_format(resource, fmt):
    with pytest.raises(Http404):
        exports.export(RequestFactory().get("/"), resource, fmt)


# Spreadsheet safety ---------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-1+1", "@SUM(A1)", "\tcmd", "\rcmd"]
TEXT_COLUMN = {"pledges": "title", "comments": "body", "progress-updates": "narrative"}


def one_of(resource, text):
    if resource == "pledges":
        return PledgeFactory(published=True, title=text)
    if resource == "comments":
        return CommentFactory(body=text)
    return ProgressUpdateFactory(narrative=text)


@pytest.mark.parametrize("text", FORMULAS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_a_formula_is_prefixed_with_an_apostrophe_in_csv_and_xlsx_but_raw_in_json(
    client, resource, text
):
    row = one_of(resource, text)
    column = TEXT_COLUMN[resource]

    for fmt, expected in [("csv", "'" + text), ("xlsx", "'" + text), ("json", text)]:
        (exported,) = records(fmt, download(client, resource, fmt)[1])[1]
        assert (int(exported["id"]), exported[column]) == (row.pk, expected), fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_ordinary_text_and_numbers_are_not_prefixed(client, fmt):
    pledge = PledgeFactory(published=True, title="A = B, 1 + 1", summary="")

    (row,) = records(fmt, download(client, "pledges", fmt)[1])[1]

    assert (row["title"], row["summary"] or "") == ("A = B, 1 + 1", "")
    assert str(row["lead_id"]) == str(pledge.lead_id)


# Joined columns -------------------------------------------------------------------------------


def assert_joined(value, expected: list[str], separator=","):
    """A joined column: ordered where the database orders aggregates (PostgreSQL), the same
    members elsewhere (SQLite before 3.44)."""
    items = value.split(separator) if value else []
    if connection.features.supports_aggregate_order_by_clause:
        assert items == expected
    else:
        assert sorted(items) == sorted(expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_joined_columns_list_objectives_principles_and_only_confirmed_partners(client, fmt):
    pledge = PledgeFactory(
        published=True,
        kind=Pledge.Kind.JOINT,
        primary_objective=Objective.objects.get(number=7),
        objectives=objectives(10, 8, 7),
        principles=list(GuidingPrinciple.objects.filter(number__in=[3, 1])),
    )
    for name, status in [
        ("Zeta Partners", PledgePartner.Status.CONFIRMED),
        ("Alpha Partners", PledgePartner.Status.CONFIRMED),
        ("Pending Partners", PledgePartner.Status.PENDING),
        ("Declined Partners", PledgePartner.Status.DECLINED),
    ]:
        PledgePartnerFactory(pledge=pledge, actor=ActorFactory(name=name), status=status)
    bare = PledgeFactory(published=True, objectives=[])

    rows = {int(r["id"]): r for r in records(fmt, download(client, "pledges", fmt)[1])[1]}

    assert_joined(rows[pledge.pk]["objectives"], ["7", "8", "10"])
    assert_joined(rows[pledge.pk]["principles"], ["1", "3"])
    assert_joined(rows[pledge.pk]["partners"], ["Alpha Partners", "Zeta Partners"], "; ")
    assert str(rows[pledge.pk]["primary_objective"]) == "7"
    assert [rows[bare.pk][c] or "" for c in ("objectives", "principles", "partners")] == [""] * 3


# Volume ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_large_export_is_streamed_in_chunks_of_about_64_kb(client, actor_a, fmt):
    pledges = bulk_pledges(2000, lead=actor_a, objectives=objectives(1), published=True)

    response = client.get(reverse("reviews:export", args=["pledges", fmt]))
    chunks = list(response.streaming_content)

    *full, _last = [len(chunk) for chunk in chunks]
    assert len(full) >= 8
    assert all(streams.CHUNK_BYTES <= size < 2 * streams.CHUNK_BYTES for size in full)
    assert sorted(exported_ids(fmt, b"".join(chunks))) == [p.pk for p in pledges]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rows", [3, 60])
def test_an_export_takes_the_same_number_of_queries_whatever_its_size(
    client, django_assert_num_queries, actor_a, actor_b, fmt, rows
):
    bulk_pledges(
        rows, lead=actor_a, objectives=objectives(1, 2), partners=[actor_b], published=True
    )

    # XLSX counts its selection first (bounded), to choose between a direct file and a task.
    with django_assert_num_queries(3 if fmt == "xlsx" else 2):
        _, body = download(client, "pledges", fmt, {"objective": "1"})

    assert len(exported_ids(fmt, body)) == rows
