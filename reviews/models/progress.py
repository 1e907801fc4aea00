"""Progress reports on published pledges, and who may read them."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reviews.models.content_language import written_in
from reviews.models.lifecycle import ImplementationStatus, public_pledge_q
from reviews.models.pledges import Pledge


def public_update_q(prefix: str = "") -> Q:
    """The condition of a public update (not hidden, on a public pledge); `prefix` reaches it
    through a relation ("progress_update__")."""
    return Q(**{f"{prefix}is_hidden": False}) & public_pledge_q(f"{prefix}pledge__")


class ProgressUpdateQuerySet(models.QuerySet):
    def public(self):
        """What anyone may read: updates not hidden by a moderator, on a public pledge."""
        return self.filter(public_update_q())

    def shown(self, *, sees_hidden: bool):
        """The updates of a pledge page: hidden ones only for those who oversee the portal."""
        return self if sees_hidden else self.filter(is_hidden=False)

    def latest_shown(self):
        """The latest update that is not hidden, which sets the pledge's implementation status."""
        return self.shown(sees_hidden=False).order_by("-date", "-pk").first()

    def for_moderation(self):
        """What the moderators' lists show of each update: its pledge and its open flags."""
        from reviews.models.flagging import open_flags_prefetch

        return (
            self.select_related("author", "actor", "pledge")
            .defer("pledge__description")
            .prefetch_related(open_flags_prefetch())
        )

    def hidden(self):
        """Hidden updates, the most recently hidden first (the moderators' "Hidden" tab)."""
        return self.filter(is_hidden=True).order_by(
            models.F("hidden_at").desc(nulls_last=True), "-pk"
        )

    def flagged(self):
        """Updates with open flags or hidden by flags, newest flag first, with counts."""
        from reviews.models.flagging import flagged

        return flagged(self, "progress_update").select_related("author", "actor", "pledge")


class ProgressUpdate(models.Model):
    """A dated report on a published pledge; it moves the pledge's implementation status."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="progress_updates")
    date = models.DateField(default=dt.date.today)
    stage = models.CharField(max_length=20, choices=ImplementationStatus.choices)
    narrative = models.TextField(max_length=5000)
    language = written_in()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        "actors.Actor", on_delete=models.PROTECT, related_name="progress_updates"
    )
    is_hidden = models.BooleanField(default=False)
    auto_hidden = models.BooleanField(
        default=False, help_text=_("Hidden automatically by flags, waiting for a moderator.")
    )
    hidden_reason = models.TextField(blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["pledge", "-date"], name="progress_pledge_date"),
            # The newest reports first (the home page, the feeds): read from the top of the
            # index, not by sorting every report.
            models.Index(
                fields=["-created_at", "-id"],
                name="progress_newest_shown",
                condition=Q(is_hidden=False),
            ),
        ]

    def __str__(self):
        return gettext("%(pledge)s: %(stage)s on %(date)s") % {
            "pledge": self.pledge,
            "stage": self.get_stage_display(),
            "date": self.date,
        }

    @property
    def flag_summary(self):
        """Needs `open_flag_list` (`for_moderation()`)."""
        from reviews.models.comments import FlagSummary

        return FlagSummary(self.open_flag_list)
