"""The template: an organisation's published pledges, one row per pledge and indicator, with
what the portal knows of them and empty columns for the next report; an About sheet explains
them and names the format's version.

The columns the portal fills in are locked (the sheet is protected without a password: a
guide, not a lock) and shaded; the person's are not. Every text is written as a string cell with
Excel's quote prefix, never as a formula, so a title such as `=HYPERLINK(…)` stays text.
"""

import datetime as dt
import io

import xlsxwriter
from django.utils import timezone
from django.utils.translation import get_language, gettext

from actors.models import Actor
from reviews.models import Indicator, Pledge
from reviews.spreadsheets import current
from reviews.spreadsheets.layout import (
    COLUMNS,
    EDITABLE,
    FORMAT,
    INDEX,
    VERSION,
    headers,
    sheet_name,
)

OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
DATE_FORMAT = "yyyy-mm-dd"
READ_ONLY = {"bg_color": "#EEEEEE", "font_color": "#333333", "valign": "top", "locked": True}
EDITABLE_STYLE = {"bg_color": "#FFF9DB", "valign": "top", "locked": False, "border": 1}
STAGES = Pledge.ImplementationStatus


def _formats(workbook) -> dict:
    add = workbook.add_format
    return {
        "header": add({"bold": True, "text_wrap": True, "valign": "top", "bottom": 2}),
        "text": add({**READ_ONLY, "quote_prefix": True}),
        "number": add(READ_ONLY),
        "date": add({**READ_ONLY, "num_format": DATE_FORMAT}),
        "edit": add(EDITABLE_STYLE),
        "edit_text": add({**EDITABLE_STYLE, "text_wrap": True}),
        "edit_date": add({**EDITABLE_STYLE, "num_format": DATE_FORMAT}),
        "none": add({**READ_ONLY, "bg_color": "#DDDDDD"}),
    }


def _unit(indicator: Indicator) -> str:
    unit = indicator.get_unit_display()
    return f"{unit} ({indicator.currency})" if indicator.currency else str(unit)


def _value_rule(indicator: Indicator | None) -> dict | None:
    """What a value cell of this indicator takes (Excel warns; the upload is checked anyway)."""
    if indicator is None:
        return None
    Unit = Indicator.Unit
    rules = {
        Unit.PERCENTAGE: {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
        },
        Unit.YES_NO: {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 1},
        Unit.CURRENCY: {"validate": "decimal", "criteria": ">=", "value": 0},
    }
    rule = rules.get(indicator.unit)
    if rule is None:
        return None
    message = {
        Unit.PERCENTAGE: gettext("A percentage is between 0 and 100."),
        Unit.YES_NO: gettext("A yes-or-no value is 1 (yes) or 0 (no)."),
        Unit.CURRENCY: gettext("An amount cannot be negative."),
    }[indicator.unit]
    return {**rule, "error_type": "warning", "error_message": message}


class _Writer:
    def __init__(self, sheet, formats):
        self.sheet, self.formats, self.row = sheet, formats, 0

    def cell(self, key: str, value, kind: str = "text") -> None:
        col, fmt = INDEX[key], self.formats[kind]
        if value is None or value == "":
            self.sheet.write_blank(self.row, col, None, fmt)
        elif kind == "date":
            self.sheet.write_datetime(self.row, col, value, fmt)
        elif kind == "number":
            self.sheet.write_number(self.row, col, float(value), fmt)
        else:
            self.sheet.write_string(self.row, col, str(value), fmt)


def _write_row(writer: _Writer, pledge: Pledge, indicator: Indicator | None, asked) -> None:
    writer.row += 1
    writer.cell("pledge", pledge.pk, "number")
    writer.cell("title", pledge.title)
    writer.cell("lead", pledge.lead.name)
    if indicator is not None:
        writer.cell("indicator", indicator.pk, "number")
        writer.cell("indicator_name", indicator.name)
        writer.cell("unit", _unit(indicator))
        writer.cell("baseline", indicator.baseline_value, "number")
        writer.cell("target", indicator.target_value, "number")
        writer.cell("latest", indicator.latest, "number")
    else:
        for key in ("indicator", "indicator_name", "unit", "baseline", "target", "latest"):
            writer.cell(key, None, "none")
    round_, reported = asked or (None, None)
    writer.cell("round", round_.name if round_ else None)
    writer.cell("deadline", round_.closes_on if round_ else None, "date")
    if round_:
        writer.cell("reported", gettext("yes") if reported else gettext("no"))
    else:
        writer.cell("reported", None)
    writer.cell("last_date", pledge.last_date, "date")
    writer.cell("last_stage", STAGES(pledge.last_stage).label if pledge.last_stage else None)
    writer.cell("date", None, "edit_date")
    writer.cell("stage", None, "edit")
    writer.cell("narrative", None, "edit_text")
    # A pledge without indicators takes no value: its value cells stay locked.
    value_kind = "edit" if indicator is not None else "none"
    date_kind = "edit_date" if indicator is not None else "none"
    writer.cell("value", None, value_kind)
    writer.cell("period_start", None, date_kind)
    writer.cell("period_end", None, date_kind)


def _validations(sheet, rules: list[dict | None], last_row: int) -> None:
    col = {key: INDEX[key] for key in EDITABLE}
    labels = [str(label) for label in STAGES.labels]
    # A list's items are separated by commas and may hold 255 characters in all.
    stages = labels if not any("," in label for label in labels) else list(STAGES.values)
    sheet.data_validation(
        1,
        col["stage"],
        last_row,
        col["stage"],
        {"validate": "list", "source": stages, "error_type": "warning"},
    )
    dates = {
        "validate": "date",
        "criteria": ">=",
        "value": dt.date(2000, 1, 1),
        "input_message": gettext("A date, as YYYY-MM-DD."),
        "error_type": "warning",
    }
    for key in ("date", "period_start", "period_end"):
        sheet.data_validation(1, col[key], last_row, col[key], dates)
    # Consecutive rows of the same rule share one validation.
    start = 0
    for index in range(1, len(rules) + 1):
        if index < len(rules) and rules[index] == rules[start]:
            continue
        if rules[start] is not None:
            sheet.data_validation(start + 1, col["value"], index, col["value"], rules[start])
        start = index


def _about(workbook, actor: Actor, formats, name: str) -> None:
    about = workbook.add_worksheet(name)
    about.set_column(0, 0, 22)
    about.set_column(1, 1, 100)
    facts = [
        (gettext("Format"), FORMAT),
        (gettext("Version"), VERSION),
        (gettext("Language"), get_language()),
        (gettext("Organisation"), actor.slug),
        (gettext("Made on"), timezone.localdate().isoformat()),
    ]
    for row, (label, value) in enumerate(facts):
        about.write_string(row, 0, label, formats["header"])
        if isinstance(value, int):
            about.write_number(row, 1, value)
        else:
            about.write_string(row, 1, value, formats["text"])
    lines = [
        gettext("How to use this spreadsheet"),
        gettext(
            "Each row is a pledge and one of its indicators (a pledge without indicators has "
            "one row). The shaded columns are what the portal knows now; fill in the others."
        ),
        gettext(
            "Report date, stage and narrative belong to the pledge: give them on one of its rows, "
            "or the same on each. Left empty, the date is the day you upload and the stage stays "
            "as it is. A narrative is needed for each pledge you report on."
        ),
        gettext(
            "Value reached is the indicator's value at the end of the period (the period ends on "
            "the report date if you leave it empty). Dates are written YYYY-MM-DD."
        ),
        gettext(
            "Rows you leave empty change nothing. Type values, not formulas: a cell with a "
            "formula is refused."
        ),
        gettext(
            "Upload the file on the portal's spreadsheet page: it shows what will change and "
            "names each cell to correct; nothing is published until you confirm. Keep the "
            "columns and this sheet as they are."
        ),
        gettext("Stages: %(stages)s.") % {"stages": ", ".join(str(s) for s in STAGES.labels)},
    ]
    for offset, line in enumerate(lines):
        about.write_string(
            len(facts) + 1 + offset, 0, line, formats["header"] if not offset else None
        )
    about.protect()


def template(user, actor: Actor) -> bytes:
    """The organisation's spreadsheet for the person (a member of it), as XLSX bytes."""
    pledges = list(current.pledges_of(actor))
    ids = [pledge.pk for pledge in pledges]
    indicators = current.indicators_of(ids)
    rounds = current.rounds_of(ids)
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, OPTIONS)
    formats = _formats(workbook)
    main_name = sheet_name(gettext("Pledges"))
    about_name = sheet_name(gettext("About"))
    sheet = workbook.add_worksheet(main_name)
    for col, (column, label) in enumerate(zip(COLUMNS, headers(), strict=True)):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, label, formats["header"])
    writer, rules = _Writer(sheet, formats), []
    for pledge in pledges:
        for indicator in indicators.get(pledge.pk) or [None]:
            _write_row(writer, pledge, indicator, rounds.get(pledge.pk))
            rules.append(_value_rule(indicator))
    last_row = max(writer.row, 1)
    _validations(sheet, rules, last_row)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, last_row, len(COLUMNS) - 1)
    sheet.protect(
        "",
        {
            "autofilter": True,
            "sort": True,
            "format_columns": True,
            "format_rows": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )
    _about(workbook, actor, formats, about_name if about_name != main_name else "About")
    workbook.set_properties({"title": gettext("Progress reports: %(name)s") % {"name": actor.name}})
    workbook.close()
    return output.getvalue()
