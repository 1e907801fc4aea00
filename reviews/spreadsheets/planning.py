"""From the rows read to the reports they make: the preview (`plan`), then the reports
themselves (`apply`), through the one write path of progress reports.

A pledge's rows make one report: the date, stage and narrative given on its rows (the same
wherever given more than once) and the values of its indicators' rows. Every rule is the
services' own: the permission predicate, the stage's choices and the report's fields (the
model's `full_clean`), a date not in the future, and the values checked by `actuals_of`. A
preview is fingerprinted (`digest`) with what the pledges stood at when it was made, so that
confirming applies exactly what was previewed, or nothing.
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from actors.models import Actor, User
from actors.permissions import memberships_by_actor
from portal.access import Conflict
from reviews import measures, services
from reviews.models import Indicator, Pledge, ProgressUpdate, ReportingRound
from reviews.models.content_language import writer_language
from reviews.spreadsheets import current
from reviews.spreadsheets.checks import PledgeChecks, refusal, reporting_actor
from reviews.spreadsheets.layout import INDEX, CellError
from reviews.spreadsheets.reading import Row

STAGES = Pledge.ImplementationStatus


class PlanChanged(Conflict):
    """A pledge of the plan was reported on (or changed) since the preview."""

    def __init__(self):
        super().__init__(
            gettext(
                "Something changed since the preview (someone reported on one of these pledges, "
                "for example): check the new preview and confirm again."
            )
        )


@dataclass
class PlannedValue:
    indicator: Indicator
    value: Decimal
    period_start: dt.date | None
    period_end: dt.date
    row: int

    @property
    def before(self) -> Decimal | None:
        return self.indicator.latest

    @property
    def worded(self) -> str:
        return measures.worded(self.indicator, self.value)

    @property
    def worded_before(self) -> str:
        return measures.worded(self.indicator, self.before)


@dataclass
class PlannedReport:
    """The report a pledge's rows make, and what it changes."""

    pledge: Pledge
    actor: Actor
    date: dt.date
    stage: str
    narrative: str
    language: str
    values: list[PlannedValue]
    rows: list[int]
    round: ReportingRound | None = None
    update: ProgressUpdate | None = None  # once applied

    @property
    def stage_before(self) -> str:
        return self.pledge.implementation_status

    @property
    def stage_label(self) -> str:
        return STAGES(self.stage).label

    @property
    def stage_before_label(self) -> str:
        return STAGES(self.stage_before).label

    @property
    def actuals(self) -> list[dict]:
        return [
            {
                "indicator": v.indicator.pk,
                "value": v.value,
                "period_start": v.period_start,
                "period_end": v.period_end,
            }
            for v in self.values
        ]


@dataclass
class Plan:
    """What an upload would do: the reports, the errors by cell, and how many rows change
    nothing. Applied only when it has no error."""

    user_id: int
    reports: list[PlannedReport] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    rows: int = 0
    unchanged: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def digest(self) -> str:
        """A fingerprint of the plan and of what its pledges stand at now."""

        def day(value):
            return value.isoformat() if value else None

        reports = [
            [
                r.pledge.pk,
                r.actor.pk,
                day(r.date),
                r.stage,
                r.narrative,
                r.language,
                r.stage_before,
                day(r.pledge.last_reported_at),
                [
                    [v.indicator.pk, str(v.value), day(v.period_start), day(v.period_end)]
                    for v in r.values
                ],
                [str(v.before) for v in r.values],
            ]
            for r in self.reports
        ]
        errors = [[e.row, e.key] for e in self.errors]
        payload = json.dumps({"reports": reports, "errors": errors}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def _report(user, pledge, rows, *, preferred, language, indicators, rounds):
    checker = PledgeChecks(pledge, rows)
    checker.pledge_fields()
    actor = reporting_actor(user, pledge, preferred)
    update = ProgressUpdate(
        pledge=pledge,
        actor=actor,
        date=checker.field("date", timezone.localdate()),
        stage=checker.field("stage", pledge.implementation_status),
        narrative=checker.field("narrative", "").strip(),
        language=writer_language(language),
    )
    checker.report_fields(update)
    value_rows = checker.value_rows()
    if value_rows and not checker.has_bad("date"):
        checker.values(value_rows, update.date)
    if checker.errors or any(row.errors for row in rows):
        return None, checker.errors
    by_id = {indicator.pk: indicator for indicator in indicators.get(pledge.pk, [])}
    values = [
        PlannedValue(
            indicator=by_id[row.indicator],
            value=row.value,
            period_start=row.period_start,
            period_end=row.period_end or update.date,
            row=row.number,
        )
        for row in value_rows
    ]
    report = PlannedReport(
        pledge=pledge,
        actor=actor,
        date=update.date,
        stage=update.stage,
        narrative=update.narrative,
        language=update.language,
        values=values,
        rows=[row.number for row in rows],
        round=rounds.get(pledge.pk, (None, False))[0],
    )
    return report, []


def plan(user, rows, *, organisation: str = "", language: str = "") -> Plan:
    """What the rows would change, for the person: one report per pledge whose rows fill in
    anything, and every error by cell (`organisation`, the slug the file was made for, is the
    one reported for where the person may; `language`, the narratives')."""
    rows = list(rows)
    result = Plan(user_id=user.pk, rows=len(rows))
    result.errors = [error for row in rows for error in row.errors]
    by_pledge: dict[int, list[Row]] = {}
    for row in rows:
        if not row.given:
            result.unchanged += 1
        elif row.pledge is not None:
            by_pledge.setdefault(row.pledge, []).append(row)
        elif "pledge" not in row.bad:
            result.errors.append(
                CellError(row.number, "pledge", gettext("Give the pledge's id on this row."))
            )
    pledges = {p.pk: p for p in current.pledges().filter(pk__in=list(by_pledge))}
    mine = [pk for pk, pledge in pledges.items() if not refusal(user, pledge)]
    indicators = current.indicators_of(mine)
    rounds = current.rounds_of(mine)
    preferred = next(
        (pk for pk, m in memberships_by_actor(user).items() if m.actor.slug == organisation), None
    )
    for pledge_id, pledge_rows in by_pledge.items():
        pledge = pledges.get(pledge_id)
        if refused := refusal(user, pledge):
            result.errors.extend(CellError(r.number, "pledge", refused) for r in pledge_rows)
            continue
        report, errors = _report(
            user,
            pledge,
            pledge_rows,
            preferred=preferred,
            language=language,
            indicators=indicators,
            rounds=rounds,
        )
        result.errors.extend(errors)
        if report is not None:
            result.reports.append(report)
    result.errors.sort(key=lambda e: (e.row, INDEX[e.key]))
    return result


@transaction.atomic
def apply(user: User, plan: Plan) -> list[ProgressUpdate]:
    """Publish the plan's reports, all or none: refused when it has errors, or when one of its
    pledges was reported on since it was made (PlanChanged)."""
    if plan.user_id != user.pk:
        raise ValueError("A plan is applied by the person it was made for.")
    if not plan.is_valid:
        raise ValidationError(gettext("The spreadsheet has errors: nothing was published."))
    ids = [report.pledge.pk for report in plan.reports]
    # Locked in one order, so that two uploads naming the same pledges wait for each other.
    now = dict(
        Pledge.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "last_reported_at")
    )
    if any(now.get(r.pledge.pk) != r.pledge.last_reported_at for r in plan.reports):
        raise PlanChanged()
    for report in plan.reports:
        try:
            report.update = services.progress_update_create(
                pledge=report.pledge,
                by=user,
                actor=report.actor,
                date=report.date,
                stage=report.stage,
                narrative=report.narrative,
                language=report.language,
                actuals=report.actuals,
            )
        except ValidationError as error:
            raise ValidationError(
                gettext("Pledge %(id)d: %(problem)s")
                % {"id": report.pledge.pk, "problem": " ".join(error.messages)}
            ) from error
    return [report.update for report in plan.reports]
