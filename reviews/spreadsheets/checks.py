"""The checks of one pledge's rows, each the services' own rule: who may report on it (the
permission predicate), the fields of its report (`full_clean`, a date not in the future, a
narrative), and the values of its indicators (`actuals_of`); every error names its cell."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from actors.models import Actor
from actors.permissions import Access, memberships_by_actor
from reviews import permissions
from reviews.models import Pledge, ProgressUpdate
from reviews.services.results import actuals_of
from reviews.spreadsheets.layout import PLEDGE_FIELDS, CellError, letter
from reviews.spreadsheets.reading import Row


def refusal(user, pledge: Pledge | None) -> str:
    """Why the person may not report on this pledge ("" when they may)."""
    access = permissions.progress_access(user, pledge) if pledge is not None else None
    if access is Access.ALLOW:
        return ""
    if access is Access.FORBIDDEN:
        return gettext("This is another organisation's pledge: you may not report on it.")
    if access is Access.CONFLICT:
        return gettext("Progress is reported on published pledges only.")
    return gettext("There is no pledge with this id that you may report on.")


def reporting_actor(user, pledge: Pledge, preferred: int | None) -> Actor:
    """The organisation the report is made for: the file's, else the lead, else a partner."""
    allowed = permissions.progress_actor_ids(user, pledge)
    if preferred in allowed:
        chosen = preferred
    else:
        chosen = pledge.lead_id if pledge.lead_id in allowed else allowed[0]
    return memberships_by_actor(user)[chosen].actor


class PledgeChecks:
    """The checks of one pledge's rows, collecting the errors by cell."""

    def __init__(self, pledge: Pledge, rows: list[Row]):
        self.pledge, self.rows, self.errors = pledge, rows, []
        self.given: dict[str, Row] = {}

    def add(self, row: int, key: str, message: str) -> None:
        self.errors.append(CellError(row, key, message))

    def pledge_fields(self) -> None:
        for key in PLEDGE_FIELDS:
            for row in self.rows:
                if key not in row.given or key in row.bad:
                    continue
                first = self.given.setdefault(key, row)
                if getattr(row, key) != getattr(first, key):
                    self.add(
                        row.number,
                        key,
                        gettext(
                            "This differs from %(cell)s: give it once for the pledge, or the "
                            "same on each of its rows."
                        )
                        % {"cell": f"{letter(key)}{first.number}"},
                    )

    def where(self, key: str) -> int:
        row = self.given.get(key)
        return row.number if row is not None else self.rows[0].number

    def field(self, key: str, default):
        row = self.given.get(key)
        return getattr(row, key) if row is not None else default

    def has_bad(self, key: str) -> bool:
        return any(key in row.bad for row in self.rows)

    def report_fields(self, update: ProgressUpdate) -> None:
        """The report's own rules: a date not in the future, a narrative, the model's fields."""
        if not self.has_bad("date") and update.date > timezone.localdate():
            self.add(
                self.where("date"),
                "date",
                gettext("A progress report cannot be dated in the future."),
            )
        if not update.narrative and not self.has_bad("narrative"):
            self.add(
                self.where("narrative"),
                "narrative",
                gettext("Write the narrative: what was done since the last report."),
            )
        try:
            update.full_clean(exclude=["pledge", "author", "actor"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name == "narrative" and not update.narrative:
                    continue  # said above, in the portal's words
                key = name if name in PLEDGE_FIELDS else "pledge"
                for message in messages:
                    self.add(self.where(key), key, message)

    def value_rows(self) -> list[Row]:
        """The rows that give a value, once the period without a value and the value
        without an indicator are refused."""
        rows = []
        for row in self.rows:
            has_value = "value" in row.given
            for key in ("period_start", "period_end"):
                if key in row.given and key not in row.bad and not has_value:
                    self.add(
                        row.number,
                        key,
                        gettext(
                            "A period goes with a value reached: give the value, or leave the "
                            "period empty."
                        ),
                    )
            if not has_value or row.bad & {"value", "indicator", "period_start", "period_end"}:
                continue
            if row.indicator is None:
                self.add(
                    row.number,
                    "indicator",
                    gettext("This row has no indicator: give values on an indicator's row."),
                )
                continue
            rows.append(row)
        return rows

    def values(self, rows: list[Row], date: dt.date) -> None:
        given = [
            {
                "indicator": row.indicator,
                "value": row.value,
                "period_start": row.period_start,
                "period_end": row.period_end,
            }
            for row in rows
        ]
        _, problems = actuals_of(self.pledge, given, date=date)
        for row, found in zip(rows, problems, strict=True):
            for name, messages in found.items():
                key = name
                if name == "period_end" and "period_end" not in row.given:
                    # The period ends on the report's date: the start is what to correct.
                    key = "period_start" if "period_start" in row.given else "date"
                for message in messages:
                    self.add(row.number if key != "date" else self.where("date"), key, message)
