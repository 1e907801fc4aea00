"""Measured results: a pledge's expected results, their indicators with a baseline and a target,
and the actual values its progress reports give for a period.

An indicator may point to one of a curated indicator framework (`FrameworkIndicator`), which
administrators curate as the other reference data, each citing its source; it may be empty, and
no official indicator is ever invented. Every change of a result, an indicator (its baseline,
its target) or an actual is kept in their history (django-simple-history, as the pledges').
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import SourcedQuerySet
from reviews.models.constraints import FieldCheckConstraint
from reviews.models.pledges import CURRENCY, Pledge
from reviews.models.progress import ProgressUpdate, public_update_q

# The widest values an indicator takes (an amount in a currency, a count of people).
VALUE_DIGITS, VALUE_PLACES = 18, 4


# A measurable indicator, in SQL: a baseline and a target, each with its value and date (as
# Indicator.is_measurable says it of one indicator in Python).
MEASURABLE = (
    Q(baseline_value__isnull=False)
    & Q(baseline_date__isnull=False)
    & Q(target_value__isnull=False)
    & Q(target_date__isnull=False)
)


class FrameworkIndicatorQuerySet(SourcedQuerySet):
    def get_by_natural_key(self, framework, code):
        return self.get(framework=framework, code=code)


class FrameworkIndicator(models.Model):
    """An indicator of a published framework, as its source states it (reference data)."""

    framework = models.CharField(
        max_length=200, help_text=_("The framework's name, as its source gives it.")
    )
    code = models.CharField(max_length=40, help_text=_("The indicator's number in the framework."))
    name = models.CharField(max_length=500)

    objects = FrameworkIndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="framework_indicator_once")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def natural_key(self):
        return (self.framework, self.code)


class ExpectedResultQuerySet(models.QuerySet):
    def with_indicators(self, *, sees_hidden: bool = False, public: bool = False):
        """The results with their indicators, each indicator's framework entry and the actual
        values the reader may see (`public`: those of the public reports only, as the API and
        the open data show them): three queries for all of a pledge's (or a page's) results."""
        actuals = (
            IndicatorActual.objects.public()
            if public
            else IndicatorActual.objects.shown(sees_hidden=sees_hidden)
        )
        indicators = Indicator.objects.select_related("framework_indicator").prefetch_related(
            models.Prefetch("actuals", queryset=actuals)
        )
        return self.prefetch_related(models.Prefetch("indicators", queryset=indicators))


class ExpectedResult(models.Model):
    """What a pledge sets out to achieve, measured by its indicators."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveSmallIntegerField(default=1)
    statement = models.CharField(
        _("expected result"), max_length=300, help_text=_("What will have changed, in one line.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ExpectedResultQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["pledge", "position"], name="result_pledge_position")]

    def __str__(self):
        return self.statement


class Indicator(models.Model):
    """How one result is measured: a unit, a baseline and a target, each a value and a date."""

    class Unit(models.TextChoices):
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        CURRENCY = "currency", _("Amount in a currency")
        YES_NO = "yes-no", _("Yes or no")

    # The disaggregations the Compact's data objective (objective 1) asks for.
    DISAGGREGATIONS = ("by_sex", "by_age", "by_migration_status")

    result = models.ForeignKey(ExpectedResult, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.NUMBER)
    currency = models.CharField(
        max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD (amounts only).")
    )
    baseline_value = models.DecimalField(
        max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(
        max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    target_date = models.DateField(null=True, blank=True)
    by_sex = models.BooleanField(_("disaggregated by sex"), default=False)
    by_age = models.BooleanField(_("disaggregated by age"), default=False)
    by_migration_status = models.BooleanField(_("disaggregated by migration status"), default=False)
    framework_indicator = models.ForeignKey(
        FrameworkIndicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("indicator of a framework"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["result", "position"], name="indicator_result_position")]
        constraints = [
            FieldCheckConstraint(
                field="target_date",
                condition=Q(target_date__isnull=True)
                | Q(baseline_date__isnull=True)
                | Q(target_date__gte=models.F("baseline_date")),
                name="indicator_target_after_baseline",
                violation_error_message=_("The target date cannot be before the baseline date."),
            ),
            FieldCheckConstraint(
                field="currency",
                condition=Q(currency="") | Q(unit="currency"),
                name="indicator_currency_only_for_amounts",
                violation_error_message=_("Only an amount in a currency names a currency."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_measurable(self) -> bool:
        """A baseline and a target, each with its value and its date."""
        return None not in (
            self.baseline_value,
            self.baseline_date,
            self.target_value,
            self.target_date,
        )

    @property
    def disaggregations(self) -> list[str]:
        return [name for name in self.DISAGGREGATIONS if getattr(self, name)]

    def clean(self):
        errors = {}
        self.currency = self.currency.strip().upper()
        if self.unit == self.Unit.CURRENCY and not CURRENCY.fullmatch(self.currency):
            errors["currency"] = gettext("Give the currency as a three-letter code, e.g. USD.")
        for field in ("baseline_value", "target_value"):
            problem = value_problem(self.unit, getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)


def value_problem(unit: str, value: Decimal | None) -> str:
    """What is wrong with a value of an indicator of this unit ("" when nothing is)."""
    if value is None:
        return ""
    if unit == Indicator.Unit.YES_NO and value not in (0, 1):
        return gettext("A yes-or-no value is 1 (yes) or 0 (no).")
    if unit == Indicator.Unit.PERCENTAGE and not 0 <= value <= 100:
        return gettext("A percentage is between 0 and 100.")
    if unit in (Indicator.Unit.CURRENCY, Indicator.Unit.YES_NO) and value < 0:
        return gettext("An amount cannot be negative.")
    return ""


class IndicatorActualQuerySet(models.QuerySet):
    def public(self):
        """The values of the public reports (a hidden report's values are hidden with it)."""
        return self.filter(public_update_q("update__"))

    def shown(self, *, sees_hidden: bool):
        """A pledge page's values: a hidden report's only for those who oversee the portal."""
        return self if sees_hidden else self.filter(update__is_hidden=False)


class IndicatorActual(models.Model):
    """The value an indicator reached over a period, as a progress report gives it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="actuals")
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="actuals")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField()
    value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)

    history = HistoricalRecords()
    objects = IndicatorActualQuerySet.as_manager()

    class Meta:
        ordering = ["period_end", "pk"]
        indexes = [models.Index(fields=["indicator", "period_end"], name="actual_indicator_end")]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "update"], name="actual_once_per_report"),
            FieldCheckConstraint(
                field="period_end",
                condition=Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="actual_period_ends_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value} ({self.period_end})"
