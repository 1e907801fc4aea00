"""A pledge's expected results and their indicators: saved together, with every error at once.

The site's results form and the API's results endpoint call these; the actual values come with
a progress report (`reviews.services.pledges.progress_update_create`). Every change is kept in
the history of its model, signed by the person who made it, and the pledge's `measurable` flag
follows its indicators.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from actors.models import User
from portal.access import Conflict
from reviews.models import ExpectedResult, Indicator, IndicatorActual, Pledge
from reviews.models.results import MEASURABLE, value_problem

# What the form and the API may set on an indicator (the result and the position are the
# service's).
INDICATOR_FIELDS = [
    "name",
    "unit",
    "currency",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    *Indicator.DISAGGREGATIONS,
    "framework_indicator",
]
# A pledge holds this many results, and a result this many indicators, at most.
MAX_RESULTS = 20
MAX_INDICATORS = 20


def refresh_measurable(pledge_id: int) -> bool:
    """After a change of the pledge's results: its `measurable` flag, from its indicators, and
    its last change (`updated_at`, which the exports and the IATI file date it by). No history
    row: both are derived, and the results keep their own history. The statistics' receivers
    already saw the indicator's write that called this."""
    measurable = Indicator.objects.filter(MEASURABLE, result__pledge_id=pledge_id).exists()
    Pledge.objects.filter(pk=pledge_id).update(measurable=measurable, updated_at=timezone.now())
    return measurable


class ResultsClosed(ValidationError, Conflict):
    """The pledge is in no state whose results may change (under review, rejected, withdrawn):
    checked again once the pledge is locked, as a submission may have come first."""


def _lock_open(pledge: Pledge) -> Pledge:
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not (locked.is_editable or locked.status == Pledge.Status.PUBLISHED):
        raise ResultsClosed(
            gettext("The results of a %(status)s pledge cannot be changed.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


class InvalidResult(ValidationError):
    """A result's errors, `detail` by field and indicator as the API answers them
    ({"statement": [...], "indicators": [{field: [...]}, ...]}), and as one list of whole
    sentences for a page."""

    def __init__(self, detail: dict):
        self.detail = detail
        super().__init__(
            _sentences(detail, gettext("Indicator %(position)d: %(message)s"))
            or [gettext("The result cannot be saved.")]
        )


class InvalidActuals(ValidationError):
    """A report's actual values that do not fit their indicators: `detail` has one dict of
    errors per value given, in their order."""

    def __init__(self, detail: list[dict]):
        self.detail = detail
        super().__init__(
            _sentences({"actuals": detail}, gettext("Value %(position)d: %(message)s"))
        )


def _sentences(detail: dict, numbered: str) -> list[str]:
    """Every message of `detail`, those of its numbered rows (dicts) prefixed by `numbered`."""
    sentences = []
    for messages in detail.values():
        for position, message in enumerate(messages, start=1):
            if isinstance(message, dict):
                for inner in message.values():
                    sentences.extend(
                        numbered % {"position": position, "message": text} for text in inner
                    )
            else:
                sentences.append(str(message))
    return sentences


def _indicator_errors(indicator: Indicator) -> dict:
    try:
        indicator.full_clean(exclude=["result"])
    except ValidationError as error:
        return error.message_dict
    return {}


@transaction.atomic
def result_save(
    *, pledge: Pledge, by: User, data: dict, result: ExpectedResult | None = None
) -> ExpectedResult:
    """Create or change one result with its indicators, as given in full: `data` has the
    `statement` and the `indicators`, each a dict of INDICATOR_FIELDS with the `id` of one
    it changes; an indicator of the result left out is removed (unless it has actual values).
    Errors are raised together (InvalidResult)."""
    locked = _lock_open(pledge)
    if result is None:
        if locked.results.count() >= MAX_RESULTS:
            raise InvalidResult(
                {
                    "statement": [
                        gettext("A pledge has %(max)d expected results at most.")
                        % {"max": MAX_RESULTS}
                    ]
                }
            )
        result = ExpectedResult(pledge=locked, position=locked.results.count() + 1)
    result.statement = (data.get("statement") or "").strip()
    errors: dict = {}
    try:
        result.full_clean(exclude=["pledge"])
    except ValidationError as error:
        errors.update(error.message_dict)
    given = list(data.get("indicators") or [])
    if len(given) > MAX_INDICATORS:
        errors.setdefault("non_field_errors", []).append(
            gettext("A result has %(max)d indicators at most.") % {"max": MAX_INDICATORS}
        )
        raise InvalidResult(errors)
    current = {i.pk: i for i in result.indicators.all()} if result.pk else {}
    indicators, indicator_errors = [], []
    for position, fields in enumerate(given, start=1):
        pk = fields.get("id")
        if pk is not None and pk not in current:
            indicator_errors.append({"id": [gettext("This indicator is not one of the result's.")]})
            indicators.append(None)
            continue
        indicator = current.get(pk) or Indicator()
        for name in INDICATOR_FIELDS:
            if name in fields:
                setattr(indicator, name, fields[name])
        indicator.position = position
        indicators.append(indicator)
        indicator_errors.append(_indicator_errors(indicator))
    kept = {i.pk for i in indicators if i is not None and i.pk}
    dropped = [i for pk, i in current.items() if pk not in kept]
    if IndicatorActual.objects.filter(indicator__in=dropped).exists():
        errors.setdefault("non_field_errors", []).append(
            gettext(
                "An indicator with reported values cannot be removed; change it or add another."
            )
        )
    if any(indicator_errors):
        errors["indicators"] = indicator_errors
    if errors:
        raise InvalidResult(errors)
    result._history_user = by
    result.save()
    for indicator in dropped:
        indicator._history_user = by
        indicator.delete()
    for indicator in indicators:
        indicator.result = result
        indicator._history_user = by
        indicator.save()
    refresh_measurable(locked.pk)
    return result


@transaction.atomic
def result_delete(*, pledge: Pledge, by: User, result: ExpectedResult) -> None:
    """Remove a result and its indicators, unless a progress report gave values for them."""
    _lock_open(pledge)
    if IndicatorActual.objects.filter(indicator__result=result).exists():
        raise ValidationError(
            gettext("A result whose indicators have reported values cannot be removed.")
        )
    for indicator in result.indicators.all():
        indicator._history_user = by
        indicator.delete()
    result._history_user = by
    result.delete()
    refresh_measurable(pledge.pk)


def actuals_of(pledge: Pledge, given: list[dict], *, date) -> tuple[list[IndicatorActual], list]:
    """The actual values a progress report gives, checked against the pledge's indicators:
    each dict has the `indicator` (an Indicator or its id), the `value`, and the period
    (`period_start`, `period_end`, which defaults to the report's date). Returns the unsaved
    values and the errors, one dict per value given."""
    indicators = {i.pk: i for i in Indicator.objects.filter(result__pledge=pledge)}
    actuals, errors, seen = [], [], set()
    for fields in given:
        chosen = fields.get("indicator")
        pk = getattr(chosen, "pk", chosen)
        indicator = indicators.get(pk)
        problems: dict[str, list[str]] = {}
        if indicator is None:
            problems["indicator"] = [gettext("This indicator is not one of the pledge's.")]
        elif pk in seen:
            problems["indicator"] = [gettext("Give one value per indicator in a report.")]
        seen.add(pk)
        value = fields.get("value")
        if value is None:
            problems["value"] = [gettext("Give the value.")]
        elif indicator is not None and (problem := value_problem(indicator.unit, value)):
            problems["value"] = [problem]
        end = fields.get("period_end") or date
        start = fields.get("period_start")
        if end and date and end > date:
            problems["period_end"] = [gettext("The period cannot end after the report's date.")]
        if start and end and start > end:
            problems["period_end"] = [gettext("The period cannot end before it starts.")]
        errors.append(problems)
        if not problems:
            actuals.append(
                IndicatorActual(
                    indicator=indicator, value=value, period_start=start, period_end=end
                )
            )
    return actuals, errors
