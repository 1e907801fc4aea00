"""Large XLSX exports: asked for in a request, built by a task, announced by a notification.

The request only records what was asked (an ExportJob) and queues `build_export`; a worker
(`manage.py db_worker`) writes the workbook to a temporary file, reporting its progress, then
keeps it in the default storage (file system or S3) and tells the person through the portal's one
notification path, with a link that works for them alone. A failure is recorded on the job and
told to the person the same way, so it is never lost. The nightly `prune_exports` forgets jobs
and files older than EXPORT_FILE_DAYS.
"""

import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from actors.models import User
from actors.models.notifications import Kind
from actors.notifications import notify_user
from portal import requestid
from portal.language import of_user
from reviews.exports.columns import selection
from reviews.exports.xlsx import write_workbook
from reviews.models import ExportJob

logger = logging.getLogger("reviews.exports")


def bounded_count(filters, limit: int) -> int:
    """How many rows the selection has, counting no further than `limit` (a cheap COUNT over at
    most limit rows of the filtered ids, whatever the size of the table)."""
    return filters.qs.order_by().values("pk")[:limit].count()


def export_job_start(*, user: User, resource: str, params) -> ExportJob:
    """Record the export `user` asked for and queue the task that builds it (once committed)."""
    pairs = [[name, value] for name, values in params.lists() for value in values]
    job = ExportJob.objects.create(requester=user, resource=resource, fmt="xlsx", params=pairs)
    transaction.on_commit(lambda: requestid.enqueue(build_export, job.pk))
    return job


def _tell(job: ExportJob, title: str, body: str = "") -> None:
    # Worded in the requester's language (build_export activates it).
    notify_user(
        user=job.requester,
        kind=Kind.EXPORT,
        title=title,
        url=reverse("reviews:export-job", args=[job.pk]),
        body=body,
    )


@task
@requestid.carries_request_id
def build_export(job_id: int) -> dict[str, int | str]:
    """Build the workbook of one job. Run again after a lost worker, it starts over; a job that
    is already ready or failed is left as it is."""
    job = ExportJob.objects.select_related("requester").filter(pk=job_id).first()
    if job is None or job.status in (ExportJob.Status.READY, ExportJob.Status.FAILED):
        return {"job": job_id, "status": "skipped"}
    with translation.override(of_user(job.requester)):  # its notice, in the requester's language
        return _build(job)


def _build(job: ExportJob) -> dict[str, int | str]:
    filters = selection(job.resource, job.query_dict())
    try:
        if not filters.is_valid():
            # Checked when asked; the reference data may have changed since.
            raise ValueError(f"the filters are no longer valid: {dict(filters.errors)}")
        total = filters.qs.order_by().count()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.RUNNING, rows_total=total, rows_done=0
        )

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        with tempfile.NamedTemporaryFile(dir=settings.EXPORT_TMP_DIR, suffix=".xlsx") as spool:
            done = write_workbook(job.resource, filters, spool, progress=progress)
            spool.seek(0)
            name = f"gcm-{job.resource}-{job.created_at:%Y%m%d}.xlsx"
            job.file.save(name, File(spool), save=False)
    except Exception as error:
        logger.exception("The xlsx export job %s of %s failed.", job.pk, job.resource)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        _tell(
            job,
            gettext("Your %(resource)s export (XLSX) could not be prepared")
            % {"resource": job.resource},
            gettext(
                "Something went wrong while it was built. Try again, or download the same "
                "selection as CSV, which is streamed at once."
            ),
        )
        return {"job": job.pk, "status": "failed"}
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.READY,
        file=job.file.name,
        rows_total=done,
        rows_done=done,
        finished_at=timezone.now(),
    )
    _tell(
        job,
        gettext("Your %(resource)s export (XLSX) is ready") % {"resource": job.resource},
        ngettext(
            "%(rows)d row. The file can be downloaded until %(until)s UTC.",
            "%(rows)d rows. The file can be downloaded until %(until)s UTC.",
            done,
        )
        % {"rows": done, "until": f"{job.expires_at:%Y-%m-%d %H:%M}"},
    )
    return {"job": job.pk, "status": "ready", "rows": done}


def prune_export_jobs() -> int:
    """Delete the jobs past EXPORT_FILE_DAYS and their files; returns how many."""
    pruned = 0
    for job in ExportJob.objects.expired().iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        pruned += 1
    return pruned
