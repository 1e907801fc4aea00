"""The portal's own tables (the cache table is made by its migration, not a model)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiThrottleWindow(models.Model):
    """Requests counted in one fixed throttle window, when the database is the only shared store.

    One row per client and window, counted up with a single upsert (portal/throttling.py); the
    nightly prune removes past windows (portal/tasks.py).
    """

    key = models.TextField()
    bucket = models.BigIntegerField(help_text=_("The window's start, in seconds since the epoch."))
    hits = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "bucket"], name="api_throttle_window_once")
        ]
        indexes = [models.Index(fields=["bucket"], name="api_throttle_bucket")]

    def __str__(self):
        return f"{self.key} @ {self.bucket}: {self.hits}"
