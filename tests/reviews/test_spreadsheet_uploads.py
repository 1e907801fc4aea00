"""The spreadsheet round trip's edges on the site: who sees the page and the downloads, the
files refused as a whole (not an XLSX, not the template, another version, too large), and the
queries of a focal point's forty pledges applied from one file."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from reviews import services, spreadsheets
from reviews.models import IndicatorActual, Pledge, ProgressUpdate, ReportingRound
from tests.factories import PledgeFactory
from tests.reviews.test_spreadsheets import (
    CONFIRM,
    PAGE,
    download,
    fill,
    measured,
    upload,
)

pytestmark = pytest.mark.django_db

MONTH = dt.timedelta(days=30)


def test_the_page_offers_a_download_per_organisation_and_the_upload_form(client, focal_a, actor_a):
    client.force_login(focal_a)

    page = client.get(PAGE)

    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("reviews:spreadsheet-template", args=[actor_a.slug]) in html
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    assert PAGE in client.get(reverse("reviews:pledge-mine")).content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client, actor_a):
    template = reverse("reviews:spreadsheet-template", args=[actor_a.slug])

    for response in (client.get(PAGE), client.get(template), client.post(CONFIRM)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["contributor_a", "focal_a"])
def test_members_download_their_organisations_template(as_persona, client, actor_a, persona):
    as_persona(persona)

    download(client, actor_a)


@pytest.mark.parametrize("persona", ["verified_user", "focal_b", "moderator"])
def test_others_do_not_find_an_organisations_template(as_persona, client, actor_a, persona):
    as_persona(persona)

    response = client.get(reverse("reviews:spreadsheet-template", args=[actor_a.slug]))
    missing = client.get(reverse("reviews:spreadsheet-template", args=["no-such-organisation"]))

    assert (response.status_code, missing.status_code) == (404, 404)


def test_the_template_names_the_open_round_that_asks_for_a_report(client, focal_a, actor_a):
    today = timezone.localdate()
    pledge = PledgeFactory(lead=actor_a, published=True, published_at=timezone.now() - MONTH)
    round_ = ReportingRound.objects.create(
        cycle=pledge.cycle,
        name="Round of December",
        slug="round-of-december",
        opens_on=today + dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    client.force_login(focal_a)
    assert download(client, actor_a).worksheets[0]["J2"].value is None  # not open yet

    ReportingRound.objects.filter(pk=round_.pk).update(opens_on=today)

    sheet = download(client, actor_a).worksheets[0]
    assert [sheet["J2"].value, sheet["K2"].value.date(), sheet["L2"].value] == [
        "Round of December",
        round_.closes_on,
        "no",
    ]


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _template(client, focal_a, actor_a):
    PledgeFactory(lead=actor_a, published=True)
    client.force_login(focal_a)
    return download(client, actor_a)


def _zip_bomb(workbook) -> bytes:
    """A small zip holding a workbook part and 51 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/media/big.bin", b"\0" * (51 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < spreadsheets.MAX_BYTES
    return content


def _another_version(workbook):
    workbook.worksheets[1]["B2"] = 2
    return _bytes(workbook)


def _other_headers(workbook):
    workbook.worksheets[0]["O1"] = "When"
    return _bytes(workbook)


def _too_many_rows(workbook):
    for number in range(spreadsheets.MAX_ROWS + 1):
        workbook.worksheets[0].append([number + 1, "A pledge"])
    return _bytes(workbook)


REFUSED = {
    "text": (lambda workbook: b"pledge,stage\n1,completed\n", "This is not an XLSX file."),
    "old xls": (lambda workbook: b"\xd0\xcf\x11\xe0" + b"\0" * 600, "This is not an XLSX file."),
    "damaged": (lambda workbook: _bytes(workbook)[:4000], "This is not an XLSX file."),
    "another workbook": (
        lambda workbook: _bytes(openpyxl.Workbook()),
        "This is not the portal's progress spreadsheet",
    ),
    "another version": (_another_version, "made for another version of the template"),
    "other headers": (_other_headers, "columns are not the template's"),
    "too large": (
        lambda workbook: b"PK\x03\x04" + b"\0" * spreadsheets.MAX_BYTES,
        "larger than 5 MB",
    ),
    "a zip bomb": (_zip_bomb, "unpacks to more than 50 MB"),
    "too many rows": (_too_many_rows, "more than 5000 rows"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_file_that_is_not_the_template_is_refused_as_a_whole(client, focal_a, actor_a, case):
    make, message = REFUSED[case]
    workbook = _template(client, focal_a, actor_a)
    content = make(workbook)
    with pytest.raises(spreadsheets.SpreadsheetRefused) as refused:
        spreadsheets.read(content)
    assert message in " ".join(refused.value.messages)

    response = client.post(PAGE, {"file": SimpleUploadedFile("progress.xlsx", content)})

    assert response.status_code == 400
    assert message in response.context["form"].errors["file"][0]


def test_a_template_sent_back_untouched_changes_nothing(client, focal_a, actor_a):
    workbook = _template(client, focal_a, actor_a)

    response = upload(client, workbook)

    plan = response.context["plan"]
    assert (plan.reports, plan.errors, plan.unchanged, response.context["token"]) == ([], [], 1, "")
    assert "changes nothing" in response.content.decode()


def test_forty_pledges_are_reported_in_the_open_round_from_one_file_in_bounded_queries(
    client, focal_a, actor_a, django_assert_max_num_queries
):
    earlier = timezone.now() - MONTH
    pledges = [PledgeFactory(lead=actor_a, published=True, published_at=earlier) for _ in range(41)]
    indicators = [measured(pledge, "number")[0] for pledge in pledges]
    today = timezone.localdate()
    round_ = ReportingRound.objects.create(
        cycle=pledges[0].cycle,
        name="Round of the month",
        slug="round-of-the-month",
        opens_on=today,
        closes_on=today + MONTH,
    )
    client.force_login(focal_a)
    with CaptureQueriesContext(connection) as one_report:  # the service, for the 41st pledge
        services.progress_update_create(
            pledge=pledges[40],
            by=focal_a,
            actor=actor_a,
            date=today,
            stage="in-progress",
            narrative="Reported on the site.",
            actuals=[{"indicator": indicators[40].pk, "value": Decimal(1)}],
        )
    with django_assert_max_num_queries(10):
        workbook = download(client, actor_a)
    rows = range(2, 42)
    assert {workbook.worksheets[0][f"J{row}"].value for row in rows} == {"Round of the month"}
    for row in rows:
        fill(workbook, row, stage="In progress", narrative=f"Row {row}.", value=row)
    with django_assert_max_num_queries(8 + 40):
        token = upload(client, workbook).context["token"]

    # Per pledge: what the service needs, and the one query of `actuals_of` in the plan made
    # again; once: the session, the person, the pledges, partnerships, indicators, the round,
    # the lock (and the transaction's savepoint).
    with django_assert_max_num_queries(10 + 40 * (len(one_report) + 1)):
        response = client.post(CONFIRM, {"token": token})

    assert response.status_code == 302
    reported = ProgressUpdate.objects.filter(pledge__in=pledges[:40], author=focal_a)
    assert sorted(reported.values_list("narrative", flat=True)) == sorted(
        f"Row {row}." for row in rows
    )
    values = IndicatorActual.objects.filter(update__in=reported)
    assert sorted(values.values_list("value", flat=True)) == [Decimal(row) for row in rows]
    in_round = round_.due_pledges().annotate(done=round_.reported_condition())
    assert in_round.filter(done=True).count() == 41


def test_a_template_is_read_in_the_language_it_was_made_in(client, focal_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    client.force_login(focal_a)
    response = client.get(
        reverse("reviews:spreadsheet-template", args=[actor_a.slug]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    with translation.override("fr"):
        completed = str(Pledge.ImplementationStatus.COMPLETED.label)
    assert workbook.worksheets[1]["B3"].value == "fr" and completed != "Completed"
    fill(workbook, 2, stage=completed, narrative="Terminé.")

    preview = upload(client, workbook)  # in English

    assert preview.context["plan"].reports[0].stage == Pledge.ImplementationStatus.COMPLETED
    assert preview.context["plan"].reports[0].pledge == pledge
