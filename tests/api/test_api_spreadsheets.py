"""The spreadsheet round trip through the API, for IT systems: the template, the preview, and
the confirmation that applies exactly the previewed plan, all or nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reviews import services
from reviews.models import IndicatorActual, ProgressUpdate
from reviews.spreadsheets import XLSX_TYPE
from tests.api.conftest import assert_json_error, token_client
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db

UPLOAD = reverse("api:pledge-spreadsheet-list")


def template_url(slug: str) -> str:
    return reverse("api:pledge-spreadsheet-detail", args=[slug])


@pytest.fixture
def measured_pledge(actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, title="Fair recruitment")
    result = services.result_save(
        pledge=pledge,
        by=None,
        data={"statement": "Fair work", "indicators": [{"name": "Share", "unit": "percentage"}]},
    )
    return pledge, result.indicators.get()


def _file(content: bytes):
    file = io.BytesIO(content)
    file.name = "progress.xlsx"
    return file


def filled(client, slug: str, **cells) -> bytes:
    """The organisation's template from the API, with these cells of row 2 filled in."""
    response = client.get(template_url(slug))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    for cell, value in cells.items():
        workbook.worksheets[0][f"{cell}2"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post(client, content: bytes, **fields):
    return client.post(UPLOAD, {"file": _file(content), **fields}, format="multipart")


def test_an_it_system_previews_then_confirms_exactly_the_previewed_plan(
    focal_a, actor_a, measured_pledge
):
    pledge, indicator = measured_pledge
    client = token_client(focal_a)
    content = filled(client, actor_a.slug, P="Completed", Q="Every worker has a contract.", R=85)

    preview = post(client, content)

    assert preview.status_code == 200
    body = preview.json()
    assert (body["valid"], body["applied"], body["organisation"]) == (True, False, actor_a.slug)
    (report,) = body["reports"]
    assert (report["pledge"], report["stage_before"], report["stage"]) == (
        pledge.pk,
        "planned",
        "completed",
    )
    assert report["values"] == [
        {
            "indicator": indicator.pk,
            "indicator_name": "Share",
            "value": "85.0000",
            "before": None,
            "period_start": None,
            "period_end": timezone.localdate().isoformat(),
            "row": 2,
        }
    ]
    assert not ProgressUpdate.objects.exists()

    confirmed = post(client, content, confirm="true", digest=body["digest"])

    assert confirmed.status_code == 201
    update = ProgressUpdate.objects.get()
    assert confirmed.json()["reports"][0]["update"] == update.pk
    assert (update.pledge, update.author, update.actor, update.stage) == (
        pledge,
        focal_a,
        actor_a,
        "completed",
    )
    assert IndicatorActual.objects.get().value == Decimal(85)

    again = post(client, content, confirm="true", digest=body["digest"])

    assert again.status_code == 409
    assert (
        again.json()["applied"] is False and "changed since the preview" in again.json()["detail"]
    )
    assert ProgressUpdate.objects.count() == 1


def test_a_file_with_errors_is_previewed_with_its_cells_and_never_applied(
    focal_a, actor_a, measured_pledge
):
    client = token_client(focal_a)
    content = filled(client, actor_a.slug, O="2999-01-01", Q="=1+1", R=150)

    preview = post(client, content)
    confirmed = post(client, content, confirm="true")

    assert preview.status_code == 200 and preview.json()["valid"] is False
    assert [(e["cell"], e["column"], e["row"]) for e in preview.json()["errors"]] == [
        ("O2", "O", 2),
        ("Q2", "Q", 2),
        ("R2", "R", 2),
    ]
    assert confirmed.status_code == 400
    assert confirmed.json()["errors"] == preview.json()["errors"]
    assert not ProgressUpdate.objects.exists()


def test_another_organisations_rows_are_refused_through_the_api(
    focal_a, focal_b, actor_a, measured_pledge
):
    content = filled(token_client(focal_a), actor_a.slug, Q="Taken over.", R=10)

    response = post(token_client(focal_b), content, confirm="true")

    assert response.status_code == 400
    assert [(e["cell"], e["message"]) for e in response.json()["errors"]] == [
        ("A2", "This is another organisation's pledge: you may not report on it.")
    ]
    assert not ProgressUpdate.objects.exists()


def test_the_template_is_for_the_organisations_members(focal_a, focal_b, actor_a):
    PledgeFactory(lead=actor_a, published=True)

    mine = token_client(focal_a).get(template_url(actor_a.slug))
    suffixed = token_client(focal_a).get(f"/api/v1/pledges/spreadsheet/{actor_a.slug}.xlsx")

    assert mine.status_code == suffixed.status_code == 200
    assert suffixed["Content-Type"] == XLSX_TYPE
    assert_json_error(token_client(focal_b).get(template_url(actor_a.slug)), 404)
    assert_json_error(token_client(focal_b).get(template_url("no-such-organisation")), 404)
    assert_json_error(APIClient().get(template_url(actor_a.slug)), 401)
    assert_json_error(APIClient().post(UPLOAD, {}, format="multipart"), 401)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,stage\n1,completed\n", "This is not an XLSX file."),
        (b"", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_the_template_is_a_400_naming_the_file(focal_a, content, message):
    response = post(token_client(focal_a), content)

    body = assert_json_error(response, 400)
    assert list(body) == ["file"] and message in body["file"][0]


def test_the_upload_is_multipart_not_json(focal_a):
    response = token_client(focal_a).post(UPLOAD, {"confirm": True}, format="json")

    assert_json_error(response, 415)
