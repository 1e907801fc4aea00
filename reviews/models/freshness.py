"""How fresh a pledge's reporting is: the one definition of green, amber and red.

Only a published pledge still being carried out (planned or in progress) has a freshness: a
completed or discontinued one owes no further report, and any other status has none (None in
Python, NULL in SQL).
A published pledge that has never reported counts as red (inactive), like one that has not
reported for INACTIVE_MONTHS. `cutoffs()` computes the two moments that separate the colours,
`conditions()` turns them into one filter per colour (which the SQL annotation reuses), and
`colour()` applies the same cut-offs to one pledge in Python.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.i18n import interpolate_lazy
from reviews.models.lifecycle import ImplementationStatus, Status

# The stages of a pledge that still owes progress reports.
ONGOING = (ImplementationStatus.PLANNED, ImplementationStatus.IN_PROGRESS)

FRESH_MONTHS = 12
INACTIVE_MONTHS = 24


class Freshness(models.TextChoices):
    # The labels stay English text, as the API's schema names them; the site shows LABELS,
    # their translation.
    GREEN = "green", f"Reported within {FRESH_MONTHS} months"
    AMBER = "amber", "Progress report due"
    RED = "red", f"Inactive: no report for {INACTIVE_MONTHS} months"


# What the site calls each colour, in the reader's language.
LABELS = {
    Freshness.GREEN: interpolate_lazy(
        ngettext_lazy(
            "Reported within %(months)d month", "Reported within %(months)d months", FRESH_MONTHS
        ),
        {"months": FRESH_MONTHS},
    ),
    Freshness.AMBER: _("Progress report due"),
    Freshness.RED: interpolate_lazy(
        ngettext_lazy(
            "Inactive: no report for %(months)d month",
            "Inactive: no report for %(months)d months",
            INACTIVE_MONTHS,
        ),
        {"months": INACTIVE_MONTHS},
    ),
}
# The colours as the filter forms offer them.
CHOICES = [(colour.value, LABELS[colour]) for colour in Freshness]


def months_ago(now: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(now.month - 1 - months, 12)
    year += now.year
    month += 1
    day = min(now.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return now.replace(year=year, month=month, day=day)


def cutoffs(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """(fresh, inactive): reported at or after `fresh` is green; at or before `inactive`, red.
    While a reporting round is open, `fresh` is its opening at the latest: a pledge that has
    not reported since is due (amber), as the round's page counts it."""
    now = now or timezone.now()
    fresh = months_ago(now, FRESH_MONTHS)
    opened = round_opened(now)
    if opened is not None and opened > fresh:
        fresh = opened
    return fresh, months_ago(now, INACTIVE_MONTHS)


def round_opened(now: dt.datetime) -> dt.datetime | None:
    """The opening of the latest reporting round open at `now`, if one is; cached as the
    statistics are (a round's change retires it)."""
    from reviews import stats
    from reviews.models.rounds import ReportingRound

    day = timezone.localdate(now)

    def compute() -> str:
        rounds = ReportingRound.objects.open_on(day).order_by("-opens_on")
        first = rounds.values_list("opens_on", flat=True).first()
        return first.isoformat() if first else ""

    opened = stats.remembered(f"stats:round-opened:{day.isoformat()}", compute)
    if not opened:
        return None
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(opened), dt.time.min))


def conditions(now: dt.datetime | None = None) -> dict[Freshness, Q]:
    """Each colour as a condition on a pledge; a pledge meets at most one of them."""
    fresh, inactive = cutoffs(now)
    published = Q(status=Status.PUBLISHED, implementation_status__in=ONGOING)
    return {
        Freshness.GREEN: published & Q(last_reported_at__gte=fresh),
        Freshness.AMBER: published & Q(last_reported_at__lt=fresh, last_reported_at__gt=inactive),
        Freshness.RED: published
        & (Q(last_reported_at__lte=inactive) | Q(last_reported_at__isnull=True)),
    }


def annotation(now: dt.datetime | None = None) -> models.Case:
    """The colour as an SQL expression: the conditions in turn, NULL when none holds."""
    return models.Case(
        *(
            models.When(condition, then=models.Value(colour.value))
            for colour, condition in conditions(now).items()
        ),
        default=None,
        output_field=models.CharField(),
    )


def colour(
    status: str,
    implementation_status: str,
    last_reported_at: dt.datetime | None,
    now: dt.datetime | None = None,
    cuts: tuple[dt.datetime, dt.datetime] | None = None,
) -> Freshness | None:
    """The colour of one pledge, by the same rules and cut-offs as `conditions()`; a page of
    pledges passes the `cutoffs(now)` it computed once as `cuts`."""
    if status != Status.PUBLISHED or implementation_status not in ONGOING:
        return None
    fresh, inactive = cuts or cutoffs(now)
    if last_reported_at is None or last_reported_at <= inactive:
        return Freshness.RED
    if last_reported_at >= fresh:
        return Freshness.GREEN
    return Freshness.AMBER
