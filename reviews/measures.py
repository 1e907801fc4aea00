"""An indicator's path from its baseline towards its target, as the pledge page draws it: the
points of the small SVG chart, the sentence that says what it shows and the rows of its table.

Drawn on the server as the other charts (reviews.charts): it works without JavaScript and
under the strict content security policy, and every point is also a row of the table.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, pgettext

from reviews.models import Indicator

# The chart's drawing area, in SVG units (templates/reviews/includes/indicator_path.html).
WIDTH, HEIGHT, MARGIN = 320, 120, 16


@dataclass(frozen=True)
class Point:
    kind: str  # "baseline", "actual" or "target"
    label: str  # what the table's first column says
    date: dt.date
    value: Decimal
    shown: str  # the value, worded in its unit
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class Path:
    indicator: Indicator
    points: tuple[Point, ...]
    summary: str
    share: int | None  # how far the latest value went from the baseline to the target, in %

    @property
    def actuals(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.kind == "actual")

    @property
    def reported_line(self) -> str:
        """The polyline of the baseline and the actual values, in date order."""
        line = [p for p in self.points if p.kind in ("baseline", "actual")]
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in line)

    @property
    def planned_line(self) -> str:
        """The straight line from the baseline to the target (the plan)."""
        ends = [p for p in self.points if p.kind in ("baseline", "target")]
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in ends) if len(ends) == 2 else ""

    @property
    def drawable(self) -> bool:
        return len(self.points) >= 2


def worded(indicator: Indicator, value: Decimal | None) -> str:
    """A value in the indicator's unit: "45 %", "1,200.50 USD", "yes"."""
    if value is None:
        return ""
    if indicator.unit == Indicator.Unit.YES_NO:
        return gettext("yes") if value else gettext("no")
    places = 0 if value == value.to_integral_value() else 2
    number = number_format(value, places, use_l10n=True, force_grouping=True)
    if indicator.unit == Indicator.Unit.PERCENTAGE:
        return pgettext("a percentage", "%(number)s %%") % {"number": number}
    if indicator.unit == Indicator.Unit.CURRENCY and indicator.currency:
        return f"{number} {indicator.currency}"
    return number


def path_of(indicator: Indicator, actuals) -> Path:
    """The path of an indicator through the actual values given (those the reader may see)."""
    points = []
    if indicator.baseline_value is not None and indicator.baseline_date:
        points.append(
            Point(
                "baseline",
                gettext("Baseline"),
                indicator.baseline_date,
                indicator.baseline_value,
                worded(indicator, indicator.baseline_value),
            )
        )
    for actual in sorted(actuals, key=lambda a: (a.period_end, a.pk)):
        points.append(
            Point(
                "actual",
                gettext("Reported"),
                actual.period_end,
                actual.value,
                worded(indicator, actual.value),
            )
        )
    if indicator.target_value is not None and indicator.target_date:
        points.append(
            Point(
                "target",
                pgettext("an indicator's target", "Target"),
                indicator.target_date,
                indicator.target_value,
                worded(indicator, indicator.target_value),
            )
        )
    placed = tuple(_placed(points))
    share = _share(indicator, [p for p in placed if p.kind == "actual"])
    return Path(indicator, placed, _summary(indicator, placed, share), share)


def _placed(points: list[Point]):
    """The points with their coordinates: dates along x, values up y, each axis spanning the
    points' own range (a single date or value is drawn in the middle)."""
    if not points:
        return
    days = [p.date.toordinal() for p in points]
    values = [float(p.value) for p in points]
    first, last = min(days), max(days)
    low, high = min(values), max(values)
    for point in points:
        x_share = (point.date.toordinal() - first) / (last - first) if last > first else 0.5
        y_share = (float(point.value) - low) / (high - low) if high > low else 0.5
        yield Point(
            point.kind,
            point.label,
            point.date,
            point.value,
            point.shown,
            x=MARGIN + x_share * (WIDTH - 2 * MARGIN),
            y=HEIGHT - MARGIN - y_share * (HEIGHT - 2 * MARGIN),
        )


def _share(indicator: Indicator, actuals: list[Point]) -> int | None:
    start, goal = indicator.baseline_value, indicator.target_value
    if not actuals or start is None or goal is None or goal == start:
        return None
    return round(100 * (actuals[-1].value - start) / (goal - start))


def _day(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _summary(indicator: Indicator, points: tuple[Point, ...], share: int | None) -> str:
    by_kind = {p.kind: p for p in points}  # the last actual is the latest
    parts = []
    if "baseline" in by_kind:
        start = by_kind["baseline"]
        parts.append(
            gettext("Baseline %(value)s on %(date)s.")
            % {"value": start.shown, "date": _day(start.date)}
        )
    if "target" in by_kind:
        goal = by_kind["target"]
        parts.append(
            gettext("Target %(value)s by %(date)s.")
            % {"value": goal.shown, "date": _day(goal.date)}
        )
    if "actual" in by_kind:
        latest = by_kind["actual"]
        parts.append(
            gettext("Latest reported: %(value)s on %(date)s.")
            % {"value": latest.shown, "date": _day(latest.date)}
        )
        if share is not None:
            parts.append(
                gettext("%(share)s%% of the way from the baseline to the target.")
                % {"share": share}
            )
    else:
        parts.append(gettext("No value reported yet."))
    return " ".join(parts)
