"""A large XLSX export, built by a task for the person who asked, and kept for a few days."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def export_path(job, filename: str) -> str:
    # Under a folder of its own per job, so that two exports of one day never collide.
    return f"exports/{job.pk}/{filename}"


class ExportJobQuerySet(models.QuerySet):
    def expired(self, *, now: dt.datetime | None = None):
        """Asked for more than EXPORT_FILE_DAYS ago: the file is no longer offered."""
        now = now or timezone.now()
        return self.filter(created_at__lt=now - dt.timedelta(days=settings.EXPORT_FILE_DAYS))


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    resource = models.CharField(max_length=30)
    fmt = models.CharField(max_length=10, default="xlsx")
    params = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The filters of the selection, as [name, value] pairs."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_path, blank=True, max_length=200)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="exportjob_created")]

    def __str__(self):
        return gettext("%(resource)s.%(format)s for %(requester)s (%(status)s)") % {
            "resource": self.resource,
            "format": self.fmt,
            "requester": self.requester,
            "status": self.get_status_display(),
        }

    @property
    def expires_at(self) -> dt.datetime:
        return self.created_at + dt.timedelta(days=settings.EXPORT_FILE_DAYS)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.READY else 0
        return min(100, self.rows_done * 100 // self.rows_total)

    def query_dict(self) -> QueryDict:
        query = QueryDict(mutable=True)
        for name, value in self.params:
            query.appendlist(name, value)
        return query
