"""The exports described for the tools that read them, from the same column definitions as the
exports themselves: the JSON Schema of each JSON export (checked with jsonschema against the
export of a varied selection), the data dictionary of the open data page, and the data package
of the CSV exports (checked, data included, with frictionless)."""

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from html import unescape

import frictionless
import pytest
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator

from reviews.exports.columns import columns_of, documentation
from reviews.exports.schema import SCHEMA_VERSION
from reviews.models import Objective, Pledge, PledgePartner
from tests.factories import (
    ActorFactory,
    CommentFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
)
from tests.reviews.test_exports import RESOURCES, download, records

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x", "clic")'


@pytest.fixture
def varied(db):
    """Rows with every kind of value: amounts, dates and moments (with and without a fraction of a
    second), nulls wherever a column allows one, unicode, quotes, commas, line breaks and text a
    spreadsheet would run as a formula; and a draft, never exported."""
    financial = PledgeFactory(
        published=True,
        title='Migración segura, "ordenada" y regular — 移民',
        summary=FORMULA,
        support=Pledge.Support.FINANCIAL,
        amount=Decimal("1250000.50"),
        currency="USD",
        countries="SN,GH",
        lead=ActorFactory(name="Ville de Montréal, Québec", country="CA", region="americas"),
        kind=Pledge.Kind.JOINT,
        objectives=list(Objective.objects.filter(number__in=[6, 7])),
    )
    PledgePartnerFactory(pledge=financial, status=PledgePartner.Status.CONFIRMED)
    Pledge.objects.filter(pk=financial.pk).update(
        published_at=dt.datetime(2026, 3, 4, 5, 6, 7, 89100, tzinfo=dt.UTC)
    )
    sparse = PledgeFactory(
        published=True,
        status=Pledge.Status.WITHDRAWN,
        summary="",
        language="",
        support="",
        scope="",
        start_date=None,
        end_date=None,
        cycle=None,
        primary_objective=None,
        objectives=[],
        published_at=None,
        submitted_at=None,
    )
    matching = PledgeFactory(
        published=True,
        kind=Pledge.Kind.MATCHING,
        matches=financial,
        published_at=dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
    )
    update = ProgressUpdateFactory(pledge=financial, narrative="Línea 1\nLínea 2, «fin»")
    ProgressUpdateFactory(pledge=sparse, narrative=FORMULA, language="")
    ProgressUpdateFactory(pledge=matching, narrative="+33 1 23 45 67 89", stage="completed")
    CommentFactory(pledge=financial, body="¿Cuándo? -1+1", edited_at=timezone.now())
    CommentFactory(pledge=None, progress_update=update, body="Sur le rapport", actor=None)
    CommentFactory(pledge=None, objective=Objective.objects.get(number=7), body="@SUM(A1)")
    PledgeFactory(title="secret-draft")
    return {"pledges": [financial, sparse, matching]}


def schema_of(client, resource) -> dict:
    response = client.get(reverse("reviews:export-schema", args=[resource]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    return response.json()


# JSON Schema ----------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_json_export_of_a_varied_selection_validates_against_its_schema(
    client, varied, resource
):
    schema = schema_of(client, resource)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    response, body = download(client, resource, "json")
    rows = json.loads(body)

    assert len(rows) >= 3
    assert [error.message for error in validator.iter_errors(rows)] == []
    schema_url = "http://testserver" + reverse("reviews:export-schema", args=[resource])
    assert response["Link"] == f'<{schema_url}>; rel="describedby"'


def test_the_schema_allows_null_exactly_where_the_export_writes_one(client, varied):
    properties = schema_of(client, "pledges")["items"]["properties"]
    rows = {row["id"]: row for row in json.loads(download(client, "pledges", "json")[1])}

    financial, sparse, matching = (rows[pledge.pk] for pledge in varied["pledges"])
    nulls = sorted(name for name, value in sparse.items() if value is None)
    nullable = sorted(name for name, field in properties.items() if "null" in field["type"])
    assert nulls == nullable
    assert (financial["amount"], financial["published_at"]) == (
        "1250000.50",
        "2026-03-04T05:06:07.089100+00:00",
    )
    assert matching["published_at"] == "2026-03-04T05:06:07+00:00"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("amount", 1250000.5),  # a number where the export writes text
        ("amount", "1250000.5"),  # a decimal place short
        ("id", None),
        ("start_date", "2026-1-1"),
        ("published_at", "2026-03-04 05:06:07"),
        ("title", None),
    ],
)
def test_the_schema_refuses_a_value_the_export_never_writes(client, varied, column, value):
    schema = schema_of(client, "pledges")
    (row, *_) = json.loads(download(client, "pledges", "json")[1])
    changed = {**row, column: value}

    assert Draft202012Validator(schema).is_valid([row])
    assert not Draft202012Validator(schema).is_valid([changed])
    assert not Draft202012Validator(schema).is_valid([{**row, "extra": 1}])


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_column_is_in_its_schema_with_its_description(client, resource):
    schema = schema_of(client, resource)

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    address = "http://testserver" + reverse("reviews:export-schema", args=[resource])
    assert schema["$id"] == f"{address}?version={SCHEMA_VERSION}"
    assert schema["title"] and schema["description"]
    items = schema["items"]
    columns = columns_of(resource)
    assert list(items["properties"]) == items["required"] == [c.name for c in columns]
    assert [field["description"] for field in items["properties"].values()] == [
        str(c.description) for c in columns
    ]
    assert items["additionalProperties"] is False


def test_there_is_no_schema_of_an_export_that_does_not_exist(client):
    base = reverse("reviews:export-schema", args=["pledges"]).removesuffix("pledges.json")

    assert client.get(base + "actors.json").status_code == 404


# The data dictionary --------------------------------------------------------------------------


def test_the_open_data_page_gives_each_columns_type_and_links_the_descriptions(client):
    html = client.get(reverse("reviews:open-data")).content.decode()

    kinds = {
        name: [(c.name, str(c.description), c.kind.value) for c in columns]
        for name, columns in documentation()
    }
    for name in RESOURCES:
        section = re.search(
            rf'<section aria-labelledby="export-{name}">(.*?)</section>', html, re.S
        )[1]
        rows = re.findall(
            r'<th scope="row"><code>(.*?)</code></th><td>(.*?)</td><td><code>(\w+)</code>',
            section,
        )
        assert [(unescape(c), unescape(meaning), kind) for c, meaning, kind in rows] == kinds[name]
        assert reverse("reviews:export-schema", args=[name]) in section
    assert reverse("reviews:export-datapackage") in html
    assert reverse("reviews:export-iati") in html


# The data package -----------------------------------------------------------------------------


def package_of(client) -> dict:
    response = client.get(reverse("reviews:export-datapackage"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()


def written(client, tmp_path, package: dict) -> str:
    """The package and its CSV files as a reader would keep them: side by side, the package's
    paths made local."""
    package = copy.deepcopy(package)
    for resource in package["resources"]:
        name = resource["name"]
        (tmp_path / f"{name}.csv").write_bytes(download(client, name, "csv")[1])
        resource["path"] = f"{name}.csv"
    target = tmp_path / "datapackage.json"
    target.write_text(json.dumps(package))
    return str(target)


def test_the_data_package_and_its_csv_data_validate_with_frictionless(client, varied, tmp_path):
    report = frictionless.validate(written(client, tmp_path, package_of(client)))

    assert report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"]) == []
    assert report.valid
    assert report.stats["tasks"] == len(RESOURCES) + 2  # and the questions, the needs


def test_a_reader_of_the_package_gets_typed_values_and_skips_the_trailer(client, varied, tmp_path):
    package = frictionless.Package(written(client, tmp_path, package_of(client)))

    rows = {row["id"]: row for row in package.get_resource("pledges").read_rows()}

    financial, sparse, _matching = varied["pledges"]
    assert sorted(rows) == sorted(pledge.pk for pledge in varied["pledges"])
    assert rows[financial.pk]["amount"] == Decimal("1250000.50")
    assert rows[financial.pk]["published_at"] == dt.datetime(
        2026, 3, 4, 5, 6, 7, 89100, tzinfo=dt.UTC
    )
    assert rows[financial.pk]["title"] == 'Migración segura, "ordenada" y regular — 移民'
    assert rows[financial.pk]["summary"] == "'" + FORMULA  # neutralised, still text
    assert rows[financial.pk]["start_date"] == dt.date(2026, 1, 1)
    assert (rows[sparse.pk]["amount"], rows[sparse.pk]["start_date"]) == (None, None)
    assert rows[_matching.pk]["matches"] == financial.pk
    _header, csv_rows = records("csv", (tmp_path / "pledges.csv").read_bytes())
    assert len(csv_rows) == len(rows)


def test_without_its_comment_character_the_trailer_would_be_a_bad_row(client, varied, tmp_path):
    package = package_of(client)
    for resource in package["resources"]:
        del resource["dialect"]["commentChar"]

    report = frictionless.validate(written(client, tmp_path, package))

    assert not report.valid
    assert ["type-error"] in report.flatten(["type"])


def test_the_package_describes_each_csv_export_with_its_columns(client):
    package = package_of(client)

    assert package["profile"] == "tabular-data-package"
    assert [r["name"] for r in package["resources"]] == [*RESOURCES, "questions", "needs"]
    for resource in package["resources"]:
        name = resource["name"]
        csv_url = reverse("reviews:export", args=[name, "csv"])
        assert resource["path"] == "http://testserver" + csv_url
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == (
            "csv",
            "text/csv",
            "utf-8",
        )
        assert resource["dialect"]["commentChar"] == "#"
        fields = resource["schema"]["fields"]
        assert [(f["name"], f["description"]) for f in fields] == [
            (c.name, str(c.description)) for c in columns_of(name)
        ]
        assert resource["schema"]["primaryKey"] == ["id"]
    fields = package["resources"][0]["schema"]["fields"]
    types = {field["name"]: (field["type"], field.get("format")) for field in fields}
    assert types["id"] == ("integer", None)
    assert types["amount"] == ("number", None)
    assert types["start_date"] == ("date", None)
    assert types["created_at"] == ("datetime", "any")
    assert types["title"] == ("string", None)
