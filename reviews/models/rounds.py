"""Reporting rounds: a period of a review cycle in which every open pledge is asked for a
progress report, with reminders before the deadline and once after it.

A pledge is *due* in a round when it is published, still under way (planned or in progress)
and was published before the round opened; it has *reported* in the round once a progress report
that is not hidden was posted since the round opened (a report that completes the pledge
counts, although the pledge then owes no more). Which reminders went to whom is kept
(`RoundReminder`), one row per round, pledge, person and step, so that none goes out twice.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.addresses import address
from reviews.models.freshness import ONGOING
from reviews.models.lifecycle import Status
from reviews.models.pledges import Pledge
from reviews.models.progress import ProgressUpdate

# The days before the deadline a reminder goes out at, unless a round says otherwise.
DEFAULT_REMINDER_DAYS = [14, 7, 1]
DEFAULT_LATE_DAYS = 7


def _default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


class ReportingRoundQuerySet(models.QuerySet):
    def open_on(self, day: dt.date):
        """The rounds accepting reports on `day` (from their opening to their deadline)."""
        return self.filter(opens_on__lte=day, closes_on__gte=day)

    def open_now(self):
        return self.open_on(timezone.localdate())

    def reminding_on(self, day: dt.date):
        """The rounds that may still send a step on `day`: open, or past the deadline by no
        more than their late reminder."""
        return self.filter(opens_on__lte=day, reminders_end_on__gte=day)


class ReportingRound(models.Model):
    cycle = models.ForeignKey(
        "reviews.ReviewCycle", on_delete=models.PROTECT, related_name="reporting_rounds"
    )
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    opens_on = models.DateField()
    closes_on = models.DateField(help_text=_("The deadline: the last day reports count in."))
    reminder_days = models.JSONField(
        default=_default_reminder_days,
        help_text=_("Days before the deadline a reminder goes out, e.g. [14, 7, 1]."),
    )
    late_days = models.PositiveSmallIntegerField(
        default=DEFAULT_LATE_DAYS,
        help_text=_("Days after the deadline the one late reminder goes out (0: none)."),
    )
    # closes_on + late_days, kept by save(): the last day the round sends anything.
    reminders_end_on = models.DateField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_it_opens",
                violation_error_message=_("A round cannot close before it opens."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        closes = self._meta.get_field("closes_on").to_python(self.closes_on)
        self.reminders_end_on = closes + dt.timedelta(days=self.late_days)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "reminders_end_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return address("reviews:round-detail", self.slug)

    def clean(self):
        days = self.reminder_days
        if not isinstance(days, list) or not all(
            isinstance(day, int) and not isinstance(day, bool) and 0 < day <= 366 for day in days
        ):
            raise ValidationError(
                {
                    "reminder_days": gettext(
                        "Give the days before the deadline as a list of whole numbers from 1 to "
                        "366, e.g. [14, 7, 1]."
                    )
                }
            )
        self.reminder_days = sorted(set(days), reverse=True)

    def is_open_on(self, day: dt.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    @property
    def starts_at(self) -> dt.datetime:
        """The moment it opened, in the portal's time zone: reports since then count."""
        return timezone.make_aware(dt.datetime.combine(self.opens_on, dt.time.min))

    @property
    def ends_at(self) -> dt.datetime:
        """The moment after its deadline's last day."""
        return timezone.make_aware(dt.datetime.combine(self.closes_on, dt.time.min)) + dt.timedelta(
            days=1
        )

    def reports(self):
        """The progress reports that count in the round: shown, posted since it opened."""
        return ProgressUpdate.objects.filter(is_hidden=False, created_at__gte=self.starts_at)

    def due_pledges(self):
        """The pledges asked for a report: published before the round opened, still under way
        or reported in the round (a report that completed the pledge counts). A pledge
        published during the round is new, not due (its freshness is green)."""
        reported = self.reported_condition()
        return Pledge.objects.filter(
            Q(implementation_status__in=ONGOING) | reported,
            status=Status.PUBLISHED,
            published_at__lt=self.starts_at,
        )

    def reported_condition(self) -> Exists:
        return Exists(self.reports().filter(pledge=OuterRef("pk")))

    def step_on(self, day: dt.date) -> str | None:
        """The reminder step the round is at on `day`: "opened" from its opening, then each
        "before-N" from N days before the deadline, then "late" from `late_days` after it; the
        latest reached, so that a scheduler that missed a day sends only the current one."""
        if day < self.opens_on or day > self.reminders_end_on:
            return None
        if self.late_days and day >= self.reminders_end_on:
            return "late"
        if day > self.closes_on:
            return None  # between the deadline and the late reminder
        reached = [n for n in self.reminder_days if day >= self.closes_on - dt.timedelta(days=n)]
        return f"before-{min(reached)}" if reached else "opened"


class RoundReminder(models.Model):
    """One request or reminder of a round, sent to one person about one pledge."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "pledge", "user", "step"], name="round_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.round} · {self.pledge_id} · {self.user_id} · {self.step}"
