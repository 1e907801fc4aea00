"""XLSX exports: a small selection is a direct download; a large one is built by a task for the
signed-in person who asked, who is notified with a link that works for them alone, and a failure
is told to them too. Anonymous visitors are pointed to CSV, to signing in, or to a narrower
filter. Files expire with the nightly prune."""

import datetime as dt
import io
import logging

import pytest
import time_machine
from crontask import scheduler
from crontask.management.commands.crontask import Command as CrontaskCommand
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actors.models import Notification
from actors.models.notifications import Kind
from portal.scheduling import task_of
from reviews.exports import jobs
from reviews.models import ExportJob
from reviews.tasks import prune_exports
from tests.factories import VerifiedUserFactory, bulk_pledges
from tests.reviews.test_exports import download, objectives, records

pytestmark = pytest.mark.django_db

LIMIT = 5


@pytest.fixture
def small_limit(settings):
    settings.EXPORT_XLSX_DIRECT_ROWS = LIMIT


@pytest.fixture
def pledges(actor_a, actor_b):
    return bulk_pledges(
        LIMIT + 2, lead=actor_a, objectives=objectives(3, 7), partners=[actor_b], published=True
    )


def xlsx_rows(body: bytes):
    return records("xlsx", body)[1]


def csv_rows(client, query=None):
    return records("csv", download(client, "pledges", "csv", query)[1])[1]


def same_rows(xlsx, csv) -> bool:
    """The cells of a workbook and of a CSV export are the same values (a CSV holds text)."""
    as_text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in xlsx]
    for row in as_text:
        # A whole amount is a number in the sheet: 99.0 is written 99.00 in CSV.
        if row["amount"]:
            row["amount"] = f"{float(row['amount']):.2f}"
    return as_text == csv


def test_a_small_xlsx_export_is_a_direct_download_with_the_rows_of_the_csv(
    client, small_limit, pledges
):
    query = {"q": pledges[0].title}  # LIMIT rows at most: "Test pledge 1" matches 1, 10…

    response, body = download(client, "pledges", "xlsx", query)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(body)).active.title == "pledges"
    assert len(xlsx_rows(body)) >= 1
    assert same_rows(xlsx_rows(body), csv_rows(client, query))
    assert not ExportJob.objects.exists()


def test_a_large_xlsx_export_is_built_by_a_task_and_the_link_works_for_its_owner_only(
    client, small_limit, pledges, verified_user, django_capture_on_commit_callbacks
):
    client.force_login(verified_user)
    url = reverse("reviews:export", args=["pledges", "xlsx"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {"objective": "7"})

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:export-job", args=[job.pk])
    assert (job.requester, job.status, job.params) == (
        verified_user,
        ExportJob.Status.READY,
        [["objective", "7"]],
    )
    assert (job.rows_done, job.rows_total) == (LIMIT + 2, LIMIT + 2)
    (notification,) = Notification.objects.filter(user=verified_user, kind=Kind.EXPORT)
    assert notification.url == reverse("reviews:export-job", args=[job.pk])
    assert "is ready" in notification.title
    page = client.get(notification.url)
    download_url = reverse("reviews:export-job-download", args=[job.pk])
    assert page.status_code == 200 and download_url in page.text
    file = client.get(download_url)
    assert file.status_code == 200
    assert file["Content-Disposition"].startswith('attachment; filename="gcm-pledges-')
    assert same_rows(xlsx_rows(b"".join(file.streaming_content)), csv_rows(client))

    client.force_login(VerifiedUserFactory())
    assert client.get(notification.url).status_code == 404
    assert client.get(download_url).status_code == 404
    client.logout()
    assert client.get(download_url).status_code == 302  # to the sign-in page


def test_an_anonymous_visitor_is_offered_csv_sign_in_or_a_narrower_filter(
    client, small_limit, pledges
):
    response = client.get(reverse("reviews:export", args=["pledges", "xlsx"]), {"objective": "7"})

    assert response.status_code == 403
    assert reverse("reviews:export", args=["pledges", "csv"]) + "?objective=7" in response.text
    assert reverse("account_login") in response.text
    assert "narrow" in response.text
    assert not ExportJob.objects.exists()


def test_the_page_of_a_job_under_way_shows_its_progress_and_refreshes(client, verified_user):
    job = ExportJob.objects.create(
        requester=verified_user,
        resource="pledges",
        status=ExportJob.Status.RUNNING,
        rows_total=400,
        rows_done=100,
    )
    client.force_login(verified_user)

    page = client.get(reverse("reviews:export-job", args=[job.pk])).text

    assert "being prepared" in page and 'value="25"' in page
    assert 'http-equiv="refresh"' in page
    assert client.get(reverse("reviews:export-job-download", args=[job.pk])).status_code == 404


def test_a_failed_job_is_told_to_the_person_and_logged_not_lost(
    client,
    small_limit,
    pledges,
    verified_user,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(jobs, "write_workbook", broken)
    client.force_login(verified_user)

    with (
        caplog.at_level(logging.ERROR, logger="reviews.exports"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.get(reverse("reviews:export", args=["pledges", "xlsx"]))

    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and "disk full" in job.error
    (notification,) = Notification.objects.filter(user=verified_user, kind=Kind.EXPORT)
    assert "could not be prepared" in notification.title
    assert "could not be prepared" in client.get(notification.url).text
    assert any("export job" in record.getMessage() for record in caplog.records)


def test_the_nightly_prune_removes_expired_jobs_and_their_files(
    client, settings, small_limit, pledges, verified_user, django_capture_on_commit_callbacks
):
    settings.EXPORT_FILE_DAYS = 7
    client.force_login(verified_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reviews:export", args=["pledges", "xlsx"]))
    old = ExportJob.objects.get()
    name = old.file.name
    assert default_storage.exists(name)
    fresh = ExportJob.objects.create(requester=verified_user, resource="pledges")

    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        client.force_login(verified_user)  # the session itself has expired by then
        assert client.get(reverse("reviews:export-job-download", args=[old.pk])).status_code == 404
        ExportJob.objects.filter(pk=fresh.pk).update(created_at=timezone.now())
        result = prune_exports.enqueue()

    assert result.return_value == {"pruned": 1}
    assert list(ExportJob.objects.all()) == [fresh]
    assert not default_storage.exists(name)


def test_the_open_data_page_tells_when_an_xlsx_export_is_prepared_in_the_background(
    client, small_limit
):
    page = client.get(reverse("reviews:open-data")).text

    assert f"more than {LIMIT} rows is prepared in the background" in page


def test_the_scheduler_prunes_the_exports_every_night():
    CrontaskCommand().load_tasks({})  # what `manage.py crontask` does first
    job = {job.name: job for job in scheduler.get_jobs()}["prune_exports"]

    assert task_of(job) is prune_exports
    start = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
    night = job.trigger.get_next_fire_time(None, start)
    assert (night.hour, night.minute) == (3, 45)
    assert job.trigger.get_next_fire_time(night, night) - night == dt.timedelta(days=1)
