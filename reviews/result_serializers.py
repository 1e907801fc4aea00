"""The API's serializers of measured results: a pledge's expected results with their indicators,
each with its baseline, its target and the actual values public reports gave, as read and as
written; and the actual values a progress report gives.

The rules are the models' and the services' (reviews.services.results), as for the site's
results form; these serializers only turn the API's shape into the services' and back.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from reviews.models import ExpectedResult, FrameworkIndicator, Indicator, IndicatorActual
from reviews.models.results import VALUE_DIGITS, VALUE_PLACES
from reviews.services.results import MAX_INDICATORS, MAX_RESULTS

# The disaggregations by the API's names: {name: the indicator's flag}.
DISAGGREGATIONS = {"sex": "by_sex", "age": "by_age", "migration_status": "by_migration_status"}
FLAGS = {flag: name for name, flag in DISAGGREGATIONS.items()}
# The indicator's value-and-date pairs: {the API's name: (the value's field, the date's field)}.
MEASURES = {
    "baseline": ("baseline_value", "baseline_date"),
    "target": ("target_value", "target_date"),
}


def value_field(**kwargs) -> serializers.DecimalField:
    """A value of an indicator (a count, a percentage, an amount, 1 or 0), written as a string."""
    return serializers.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, **kwargs)


# Reading.


class IndicatorMeasureSerializer(serializers.Serializer):
    """A value with its date: an indicator's baseline or its target (null when not set)."""

    value = value_field(allow_null=True, read_only=True)
    date = serializers.DateField(allow_null=True, read_only=True)


class FrameworkIndicatorBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = FrameworkIndicator
        fields = ["id", "framework", "code", "name"]
        read_only_fields = fields


class IndicatorActualSerializer(serializers.ModelSerializer):
    """A value an indicator reached, with the progress report that gave it."""

    class Meta:
        model = IndicatorActual
        fields = ["update", "period_start", "period_end", "value"]
        read_only_fields = fields


class UpdateActualSerializer(serializers.ModelSerializer):
    """A value a progress report gave, with the indicator it measures."""

    class Meta:
        model = IndicatorActual
        fields = ["indicator", "period_start", "period_end", "value"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    disaggregation = serializers.SerializerMethodField()
    framework_indicator = FrameworkIndicatorBriefSerializer(read_only=True, allow_null=True)
    baseline = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    # Those of the public reports (the queryset's: reviews.api.results.results_prefetch).
    actuals = IndicatorActualSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "position",
            "name",
            "unit",
            "currency",
            "disaggregation",
            "framework_indicator",
            "baseline",
            "target",
            "actuals",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(DISAGGREGATIONS)))
    )
    def get_disaggregation(self, indicator) -> list[str]:
        return [FLAGS[flag] for flag in indicator.disaggregations]

    @staticmethod
    def _measure(indicator, name) -> dict:
        value, date = MEASURES[name]
        given = {"value": getattr(indicator, value), "date": getattr(indicator, date)}
        return IndicatorMeasureSerializer(given).data

    @extend_schema_field(IndicatorMeasureSerializer)
    def get_baseline(self, indicator) -> dict:
        return self._measure(indicator, "baseline")

    @extend_schema_field(IndicatorMeasureSerializer)
    def get_target(self, indicator) -> dict:
        return self._measure(indicator, "target")


class ExpectedResultSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = ExpectedResult
        fields = ["id", "position", "statement", "indicators"]
        read_only_fields = fields


# Writing.


class IndicatorMeasureWriteSerializer(serializers.Serializer):
    """A value with its date, either left out or null when not set."""

    value = value_field(allow_null=True, default=None)
    date = serializers.DateField(allow_null=True, default=None)


class IndicatorWriteSerializer(serializers.Serializer):
    """An indicator as given in full: what is left out is unset (or the default unit)."""

    id = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=_("To change one of the result's indicators, its id; left out: a new one."),
    )
    name = serializers.CharField(max_length=200)
    unit = serializers.ChoiceField(choices=Indicator.Unit.choices, default=Indicator.Unit.NUMBER)
    currency = serializers.CharField(
        max_length=3,
        allow_blank=True,
        default="",
        help_text=_("ISO 4217 code, e.g. USD (amounts only)."),
    )
    baseline = IndicatorMeasureWriteSerializer(required=False, allow_null=True)
    target = IndicatorMeasureWriteSerializer(required=False, allow_null=True)
    disaggregation = serializers.ListField(
        child=serializers.ChoiceField(choices=list(DISAGGREGATIONS)),
        default=list,
        max_length=len(DISAGGREGATIONS),
    )
    framework_indicator = serializers.PrimaryKeyRelatedField(
        queryset=FrameworkIndicator.objects.all(),
        allow_null=True,
        default=None,
        help_text=_("The id of an indicator of a curated framework, when it is one of theirs."),
    )


def indicator_fields(given: dict) -> dict:
    """An indicator of the API's body as reviews.services.results takes it."""
    fields = {
        "name": given["name"],
        "unit": given["unit"],
        "currency": given["currency"],
        "framework_indicator": given["framework_indicator"],
        **{flag: name in given["disaggregation"] for name, flag in DISAGGREGATIONS.items()},
    }
    for name, (value, date) in MEASURES.items():
        measure = given.get(name) or {}
        fields[value], fields[date] = measure.get("value"), measure.get("date")
    if "id" in given:
        fields["id"] = given["id"]
    return fields


class ExpectedResultWriteSerializer(serializers.Serializer):
    """A result with its indicators, given in full: an indicator with an `id` changes that one
    of the result's, one without is added, and one of the result's left out is removed (unless
    a progress report gave values for it)."""

    statement = serializers.CharField(max_length=300)
    indicators = IndicatorWriteSerializer(
        many=True,
        default=list,
        max_length=MAX_INDICATORS,
        help_text=_("The result's indicators in their order; left out: none."),
    )

    def service_data(self) -> dict:
        """The validated body as reviews.services.results.result_save takes it."""
        return {
            "statement": self.validated_data["statement"],
            "indicators": [indicator_fields(i) for i in self.validated_data["indicators"]],
        }


def _written_key(name: str) -> str:
    return api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name


def _indicator_errors(errors: dict) -> dict:
    written: dict = {}
    for name, messages in errors.items():
        measure = next((m for m, pair in MEASURES.items() if name in pair), None)
        if measure is not None:
            part = "value" if name == MEASURES[measure][0] else "date"
            written.setdefault(measure, {})[part] = messages
        elif name in FLAGS:
            written.setdefault("disaggregation", []).extend(messages)
        else:
            written[_written_key(name)] = messages
    return written


def written_errors(detail: dict) -> dict:
    """The errors of reviews.services.results (InvalidResult.detail) by the names the API's body
    gives: `target`'s `value` for the service's `target_value`, `disaggregation` for its flags,
    `non_field_errors` for an error of the whole result or indicator."""
    errors = {_written_key(name): messages for name, messages in detail.items()}
    if "indicators" in detail:
        errors["indicators"] = [_indicator_errors(given) for given in detail["indicators"]]
    return errors


class ActualWriteSerializer(serializers.Serializer):
    """A value one of the pledge's indicators reached, given with a progress report."""

    indicator = serializers.IntegerField(
        min_value=1, help_text=_("The id of one of the pledge's indicators.")
    )
    value = value_field(help_text=_("For yes or no: 1 for yes, 0 for no."))
    period_start = serializers.DateField(allow_null=True, default=None)
    period_end = serializers.DateField(
        allow_null=True, default=None, help_text=_("Left out: the report's date.")
    )


def actuals_field() -> ActualWriteSerializer:
    return ActualWriteSerializer(
        many=True,
        required=False,
        max_length=MAX_RESULTS * MAX_INDICATORS,
        help_text=_("The values the pledge's indicators reached, one per indicator at most."),
    )
