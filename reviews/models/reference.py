"""Reference data of the Global Compact: objectives, principles, review cycles and their parts.

Every curated record cites the source documents it comes from and where in each the fact
stands (``reviews.models.citations``), so that each public page can show its provenance. Records
are addressed by natural keys (an objective's number, a cycle's slug…) so the fixtures in
``fixtures/`` load idempotently and can be written back from the admin with ``export_reference``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.models import SourcedQuerySet
from portal.addresses import address


class ObjectiveQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Objective(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=300, unique=True)
    short_label = models.CharField(max_length=80)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=23), name="objective_number_1_to_23"
            ),
        ]

    def __str__(self):
        return gettext("Objective %(number)s: %(label)s") % {
            "number": self.number,
            "label": self.short_label,
        }

    def get_absolute_url(self):
        return address("reviews:objective-detail", self.number)

    def natural_key(self):
        return (self.number,)


class GuidingPrincipleQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class GuidingPrinciple(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    objects = GuidingPrincipleQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=10), name="principle_number_1_to_10"
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.number,)


class ReviewCycleQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def open_for_submissions(self, now=None):
        now = now or timezone.now()
        return self.filter(submissions_open__lte=now, submissions_close__gt=now)

    def default_for_submissions(self, now=None):
        """The cycle whose submission window is open now (closing soonest), if any."""
        return self.open_for_submissions(now).order_by("submissions_close").first()

    def next_deadline(self, now=None):
        """The next review a pledge reports towards: the soonest open window's close, else the
        soonest cycle still to start."""
        now = now or timezone.now()
        return (
            self.filter(submissions_close__gt=now).order_by("submissions_close").first()
            or self.filter(starts_on__gt=now.date()).order_by("starts_on").first()
        )

    def current(self, now=None):
        """The cycle people work towards: open for submissions, else the next, else the last.

        One query whatever the date: rows are ranked (open, upcoming, past) and ordered within
        their rank (closing soonest, starting soonest, most recent).
        """
        now = now or timezone.now()
        is_open = Q(submissions_open__lte=now, submissions_close__gt=now)
        upcoming = Q(starts_on__gte=now.date())
        return (
            self.annotate(
                rank=Case(When(is_open, then=0), When(upcoming, then=1), default=2),
            )
            .order_by(
                "rank",
                Case(When(is_open, then="submissions_close")).asc(nulls_last=True),
                Case(When(~is_open & upcoming, then="starts_on")).asc(nulls_last=True),
                "-year",
                F("starts_on").desc(nulls_last=True),
            )
            .first()
        )


class ReviewCycle(models.Model):
    class Kind(models.TextChoices):
        GLOBAL = "global", _("International Migration Review Forum")
        REGIONAL = "regional", _("Regional review")

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(help_text=_("The year the cycle's review takes place."))
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    hearing_on = models.DateField(
        null=True, blank=True, help_text=_("Date of the informal multi-stakeholder hearing.")
    )
    submissions_open = models.DateTimeField(null=True, blank=True)
    submissions_close = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The outcome document, e.g. the Progress Declaration."),
    )
    outcome_endorsed_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    objects = ReviewCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="cycle_ends_after_start",
                violation_error_message=_("A review cycle cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(submissions_close__isnull=True)
                | Q(submissions_open__isnull=True)
                | Q(submissions_close__gt=models.F("submissions_open")),
                name="cycle_submissions_close_after_open",
                violation_error_message=_("The submission window must close after it opens."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("reviews:cycle-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def is_open_for_submissions(self, now=None):
        now = now or timezone.now()
        return bool(
            self.submissions_open
            and self.submissions_close
            and self.submissions_open <= now < self.submissions_close
        )


class RoundTableQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, cycle_slug, number):
        return self.get(cycle__slug=cycle_slug, number=number)


class RoundTable(models.Model):
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="round_tables")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300, blank=True)
    held_on = models.DateField(null=True, blank=True)
    objectives = models.ManyToManyField(
        Objective, through="RoundTableObjective", related_name="round_tables"
    )

    objects = RoundTableQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="round_table_unique_number"),
        ]

    def __str__(self):
        values = {"cycle": self.cycle, "number": self.number, "title": self.title}
        if self.title:
            return gettext("%(cycle)s – round table %(number)s: %(title)s") % values
        return gettext("%(cycle)s – round table %(number)s") % values

    def natural_key(self):
        return (*self.cycle.natural_key(), self.number)

    natural_key.dependencies = ["reviews.reviewcycle"]


class RoundTableObjectiveQuerySet(models.QuerySet):
    def get_by_natural_key(self, cycle_slug, round_table_number, objective_number):
        return self.get(
            round_table__cycle__slug=cycle_slug,
            round_table__number=round_table_number,
            objective__number=objective_number,
        )


class RoundTableObjective(models.Model):
    """An objective covered by a round table; a cycle covers each objective at one round table."""

    round_table = models.ForeignKey(RoundTable, on_delete=models.CASCADE)
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT)

    objects = RoundTableObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["objective__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["round_table", "objective"], name="round_table_objective_once"
            ),
        ]

    def __str__(self):
        return gettext("%(round_table)s: objective %(number)s") % {
            "round_table": self.round_table,
            "number": self.objective.number,
        }

    def natural_key(self):
        return (*self.round_table.natural_key(), *self.objective.natural_key())

    natural_key.dependencies = ["reviews.roundtable", "reviews.objective"]

    def clean(self):
        if not (self.round_table_id and self.objective_id):
            return
        elsewhere = RoundTableObjective.objects.filter(
            round_table__cycle_id=self.round_table.cycle_id, objective_id=self.objective_id
        ).exclude(round_table_id=self.round_table_id)
        if elsewhere.exists():
            raise ValidationError(
                {
                    "objective": gettext(
                        "This objective is already covered by another round table of the cycle."
                    )
                }
            )


class MilestoneQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Milestone(models.Model):
    """An event on the road from the 1994 ICPD to the review forums."""

    slug = models.SlugField(max_length=80, unique=True)
    year = models.PositiveSmallIntegerField()
    date = models.DateField(null=True, blank=True, help_text=_("Only when the source gives it."))
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["year", F("date").asc(nulls_first=True), "title"]

    def __str__(self):
        return f"{self.year} – {self.title}"

    def clean(self):
        if self.date and self.year and self.date.year != self.year:
            raise ValidationError({"date": gettext("The date must fall in the milestone's year.")})

    def natural_key(self):
        return (self.slug,)
