"""The spreadsheet round trip on the site (issue 14): a focal point downloads the organisation's
template, fills it in offline, uploads it, reads the preview and confirms; exactly what was
typed is published, signed by them, and a file with errors changes nothing and names each cell.
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import IndicatorActual, Pledge, PledgePartner, ProgressUpdate
from reviews.spreadsheets import XLSX_TYPE
from tests.factories import PledgeFactory, PledgePartnerFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

STAGE = Pledge.ImplementationStatus
# The template's columns, as a person sees them (tests/…/test_the_template_… checks the headers).
COLUMN = {
    "pledge": "A",
    "title": "B",
    "indicator": "D",
    "date": "O",
    "stage": "P",
    "narrative": "Q",
    "value": "R",
    "period_start": "S",
    "period_end": "T",
}
PAGE = reverse("reviews:spreadsheet")
CONFIRM = reverse("reviews:spreadsheet-confirm")


def measured(pledge, *units):
    """Give the pledge one indicator per unit (baseline 10, target 90)."""
    indicators = [
        {"name": f"{unit} indicator", "unit": unit, "baseline_value": Decimal(10)}
        | {"target_value": Decimal(90)}
        | ({"currency": "USD"} if unit == "currency" else {})
        for unit in units
    ]
    result = services.result_save(
        pledge=pledge, by=None, data={"statement": "Results", "indicators": indicators}
    )
    return list(result.indicators.all())


def download(client, actor):
    response = client.get(reverse("reviews:spreadsheet-template", args=[actor.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_of(workbook) -> dict[tuple[int, int | None], int]:
    """(pledge id, indicator id) → the row number it is on."""
    sheet = workbook.worksheets[0]
    return {(sheet[f"A{n}"].value, sheet[f"D{n}"].value): n for n in range(2, sheet.max_row + 1)}


def fill(workbook, row: int, **cells) -> None:
    sheet = workbook.worksheets[0]
    for key, value in cells.items():
        sheet[f"{COLUMN[key]}{row}"] = value


def upload(client, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("progress.xlsx", buffer.getvalue(), content_type=XLSX_TYPE)
    return client.post(PAGE, {"file": file})


def cells(response) -> set[str]:
    return {error.cell for error in response.context["plan"].errors}


@pytest.fixture
def pledges(actor_a):
    """Three published pledges of A: one with a percentage and a number indicator, one
    without indicators, one with an amount; and one of them already reported on."""
    first = PledgeFactory(lead=actor_a, published=True, title="Fair recruitment")
    second = PledgeFactory(lead=actor_a, published=True, title="Safe housing")
    third = PledgeFactory(lead=actor_a, published=True, title="Remittance costs")
    indicators = measured(first, "percentage", "number") + measured(third, "currency")
    ProgressUpdateFactory(pledge=third, date=dt.date(2026, 1, 5), stage=STAGE.IN_PROGRESS)
    return {"pledges": [first, second, third], "indicators": indicators}


def test_the_template_has_a_row_per_pledge_and_indicator_with_the_editable_columns(
    client, focal_a, actor_a, pledges
):
    first, second, third = pledges["pledges"]
    percent, number, amount = pledges["indicators"]
    client.force_login(focal_a)

    workbook = download(client, actor_a)

    sheet = workbook.worksheets[0]
    assert [sheet[f"{COLUMN[key]}1"].value for key in ("date", "stage", "value")] == [
        "Report date",
        "Stage",
        "Value reached",
    ]
    assert set(rows_of(workbook)) == {
        (first.pk, percent.pk),
        (first.pk, number.pk),
        (second.pk, None),
        (third.pk, amount.pk),
    }
    row = rows_of(workbook)[(third.pk, amount.pk)]
    assert sheet[f"M{row}"].value.date() == dt.date(2026, 1, 5)
    assert sheet[f"N{row}"].value == "In progress"
    assert sheet.protection.sheet and sheet.freeze_panes == "C2"
    assert sheet["B2"].protection.locked and not sheet[f"Q{row}"].protection.locked
    about = workbook.worksheets[1]
    assert [about["B1"].value, about["B2"].value, about["B4"].value] == [
        "gcm-review-portal/progress-reports",
        1,
        actor_a.slug,
    ]


def test_download_edit_upload_preview_confirm_changes_exactly_what_was_edited(
    client, focal_a, actor_a, pledges
):
    first, second, third = pledges["pledges"]
    percent, number, _ = pledges["indicators"]
    client.force_login(focal_a)
    workbook = download(client, actor_a)
    rows = rows_of(workbook)
    fill(workbook, rows[(first.pk, percent.pk)], stage="Completed", narrative="All done.")
    fill(workbook, rows[(first.pk, percent.pk)], value=45.5, period_start=dt.date(2026, 1, 1))
    fill(workbook, rows[(first.pk, number.pk)], value=300, date=dt.date(2026, 6, 30))
    fill(workbook, rows[(second.pk, None)], narrative="=looks like a formula, typed as text")
    workbook.worksheets[0][f"Q{rows[(second.pk, None)]}"].data_type = "s"
    before = set(ProgressUpdate.objects.values_list("pk", flat=True))

    preview = upload(client, workbook)

    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert plan.errors == [] and plan.unchanged == 1
    assert [r.pledge.pk for r in plan.reports] == [first.pk, second.pk]
    report = plan.reports[0]
    assert (report.date, report.stage_before, report.stage) == (
        dt.date(2026, 6, 30),
        STAGE.PLANNED,
        STAGE.COMPLETED,
    )
    assert [(v.indicator, v.value, v.period_start) for v in report.values] == [
        (percent, Decimal("45.5"), dt.date(2026, 1, 1)),
        (number, Decimal(300), None),
    ]
    assert plan.reports[1].values == [] and plan.reports[1].stage == STAGE.PLANNED
    assert "Planned → Completed" in preview.content.decode()
    assert set(ProgressUpdate.objects.values_list("pk", flat=True)) == before

    confirmed = client.post(CONFIRM, {"token": preview.context["token"]})

    assert confirmed.status_code == 302 and confirmed.url == reverse("reviews:pledge-mine")
    new = ProgressUpdate.objects.exclude(pk__in=before).order_by("pledge_id")
    assert [(u.pledge_id, u.author, u.actor, u.stage, u.narrative) for u in new] == [
        (first.pk, focal_a, actor_a, STAGE.COMPLETED, "All done."),
        (second.pk, focal_a, actor_a, STAGE.PLANNED, "=looks like a formula, typed as text"),
    ]
    values = IndicatorActual.objects.filter(update__in=new).order_by("indicator__position")
    assert [(a.indicator, a.value, a.period_start, a.period_end) for a in values] == [
        (percent, Decimal("45.5"), dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        (number, Decimal(300), None, dt.date(2026, 6, 30)),
    ]
    assert values[0].history.get().history_user == focal_a
    first.refresh_from_db()
    assert first.implementation_status == STAGE.COMPLETED
    assert third.progress_updates.count() == 1


def test_a_file_with_errors_changes_nothing_and_names_each_bad_cell(
    client, focal_a, actor_a, pledges
):
    first, second, third = pledges["pledges"]
    percent, number, amount = pledges["indicators"]
    client.force_login(focal_a)
    workbook = download(client, actor_a)
    rows = rows_of(workbook)
    bad_percent, formula = rows[(first.pk, percent.pk)], rows[(first.pk, number.pk)]
    future, unknown = rows[(second.pk, None)], rows[(third.pk, amount.pk)]
    fill(workbook, bad_percent, value=150, narrative="Reached far.")
    fill(workbook, formula, value="=SUM(1,2)")
    fill(workbook, future, date=timezone.localdate() + dt.timedelta(days=3), narrative="Soon.")
    fill(workbook, unknown, indicator=999_999, value=10, narrative="Paid.")
    before = ProgressUpdate.objects.count()

    response = upload(client, workbook)

    assert response.status_code == 400
    assert cells(response) == {
        f"R{bad_percent}",
        f"R{formula}",
        f"O{future}",
        f"D{unknown}",
    }
    html = response.content.decode()
    assert f"<strong>R{bad_percent}</strong>: A percentage is between 0 and 100." in html
    assert f"<strong>R{formula}</strong>: This cell holds a formula" in html
    assert f"<strong>O{future}</strong>: A progress report cannot be dated in the future." in html
    assert response.context["token"] == ""
    assert 'name="file"' in html  # the corrected file is uploaded again from here
    assert ProgressUpdate.objects.count() == before


def test_the_date_stage_and_narrative_of_a_pledge_must_agree_across_its_rows(
    client, focal_a, actor_a, pledges
):
    first = pledges["pledges"][0]
    percent, number, _ = pledges["indicators"]
    client.force_login(focal_a)
    workbook = download(client, actor_a)
    rows = rows_of(workbook)
    fill(workbook, rows[(first.pk, percent.pk)], stage="completed", narrative="Done.")
    fill(workbook, rows[(first.pk, number.pk)], stage="Discontinued", period_end="2026-02-30")

    response = upload(client, workbook)

    second = rows[(first.pk, number.pk)]
    assert cells(response) == {f"P{second}", f"T{second}"}
    messages = {error.cell: error.message for error in response.context["plan"].errors}
    assert messages[f"P{second}"].startswith(f"This differs from P{rows[(first.pk, percent.pk)]}")
    assert messages[f"T{second}"] == "Give a date, as YYYY-MM-DD."


def test_rows_of_another_organisations_pledge_are_refused_row_by_row(
    client, focal_a, actor_a, actor_b, pledges
):
    first = pledges["pledges"][0]
    percent = pledges["indicators"][0]
    theirs = PledgeFactory(lead=actor_b, published=True, title="B's pledge")
    b_first, b_second = measured(theirs, "number", "number")
    draft, own_draft = PledgeFactory(lead=actor_b), PledgeFactory(lead=actor_a)
    client.force_login(focal_a)
    workbook = download(client, actor_a)
    fill(workbook, rows_of(workbook)[(first.pk, percent.pk)], narrative="Ours.", value=20)
    sheet = workbook.worksheets[0]
    for pledge_id, indicator in [
        (theirs.pk, b_first.pk),
        (theirs.pk, b_second.pk),
        (draft.pk, None),
        (own_draft.pk, None),
        (999_999, None),
    ]:
        sheet.append([pledge_id, "", "", indicator])
        fill(workbook, sheet.max_row, narrative="Not ours.")

    response = upload(client, workbook)

    last = sheet.max_row
    errors = {error.cell: error.message for error in response.context["plan"].errors}
    assert errors == {
        f"A{last - 4}": "This is another organisation's pledge: you may not report on it.",
        f"A{last - 3}": "This is another organisation's pledge: you may not report on it.",
        f"A{last - 2}": "There is no pledge with this id that you may report on.",
        f"A{last - 1}": "Progress is reported on published pledges only.",
        f"A{last}": "There is no pledge with this id that you may report on.",
    }
    assert [report.pledge for report in response.context["plan"].reports] == [first]
    assert not theirs.progress_updates.exists() and not first.progress_updates.exists()


def test_another_organisations_file_is_refused_row_by_row(client, focal_a, focal_b, actor_b):
    theirs = PledgeFactory(lead=actor_b, published=True)
    measured(theirs, "number", "percentage")
    client.force_login(focal_b)
    workbook = download(client, actor_b)
    for row in (2, 3):
        fill(workbook, row, narrative="Taken over.", value=1)
    client.force_login(focal_a)

    response = upload(client, workbook)

    assert cells(response) == {"A2", "A3"}
    assert response.context["plan"].reports == []
    assert (
        client.get(reverse("reviews:spreadsheet-template", args=[actor_b.slug])).status_code == 404
    )


def test_a_partner_reports_on_the_pledges_it_confirmed(client, focal_a, actor_a, actor_b):
    joint = PledgeFactory(lead=actor_b, kind=Pledge.Kind.JOINT, published=True)
    PledgePartnerFactory(pledge=joint, actor=actor_a, status=PledgePartner.Status.CONFIRMED)
    pending = PledgeFactory(lead=actor_b, kind=Pledge.Kind.JOINT, published=True)
    PledgePartnerFactory(pledge=pending, actor=actor_a)
    client.force_login(focal_a)
    workbook = download(client, actor_a)
    assert set(rows_of(workbook)) == {(joint.pk, None)}
    fill(workbook, 2, narrative="Our part is done.")

    preview = upload(client, workbook)
    client.post(CONFIRM, {"token": preview.context["token"]})

    assert joint.progress_updates.get().actor == actor_a


def test_formula_looking_titles_are_written_as_text(client, focal_a, actor_a):
    PledgeFactory(lead=actor_a, published=True, title='=HYPERLINK("http://x")')
    client.force_login(focal_a)

    title = download(client, actor_a).worksheets[0]["B2"]

    assert (title.data_type, title.value) == ("s", '=HYPERLINK("http://x")')
    assert title.quotePrefix


def test_confirming_twice_does_not_report_twice(client, focal_a, actor_a, pledges):
    first = pledges["pledges"][0]
    client.force_login(focal_a)
    workbook = download(client, actor_a)
    fill(workbook, 2, narrative="Once.")
    token = upload(client, workbook).context["token"]

    client.post(CONFIRM, {"token": token})
    again = client.post(CONFIRM, {"token": token}, follow=True)

    assert first.progress_updates.count() == 1
    assert "expired or was confirmed already" in again.content.decode()


def test_a_report_made_in_between_shows_the_new_preview(client, focal_a, actor_a, pledges):
    first = pledges["pledges"][0]
    client.force_login(focal_a)
    workbook = download(client, actor_a)
    fill(workbook, 2, narrative="From the file.")
    token = upload(client, workbook).context["token"]
    services.progress_update_create(
        pledge=first, by=focal_a, actor=actor_a, date=timezone.localdate(),
        stage=STAGE.IN_PROGRESS, narrative="Reported on the site meanwhile.",
    )  # fmt: skip

    changed = client.post(CONFIRM, {"token": token})

    assert changed.status_code == 409
    assert changed.context["plan"].reports[0].stage_before == STAGE.IN_PROGRESS
    assert first.progress_updates.count() == 1
    client.post(CONFIRM, {"token": changed.context["token"]})
    assert first.progress_updates.count() == 2


def test_a_token_is_the_uploaders_own(client, focal_a, contributor_a, actor_a, pledges):
    client.force_login(focal_a)
    workbook = download(client, actor_a)
    fill(workbook, 2, narrative="Mine.")
    token = upload(client, workbook).context["token"]
    client.force_login(contributor_a)

    response = client.post(CONFIRM, {"token": token})

    assert response.status_code == 302
    assert not ProgressUpdate.objects.filter(narrative="Mine.").exists()
