"""What the coverage map, the dashboards and the world map draw: a colour scale for counts and
horizontal bar charts, worked out here and drawn by the templates as SVG on the server.

Server-drawn, so a chart works without JavaScript and under the strict content security policy,
and every figure is also a table row (the charts' alternative) with a link to its list.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# A sequential scale, light to dark (ColorBrewer YlGnBu, its fourth step darkened so white text
# on it keeps a 4.5:1 contrast): ordered by lightness, so it reads the same to colour-blind eyes
# and in greyscale. Each step is (fill, the colour of a number printed on it).
STEPS = (
    ("#ffffcc", "#1b1b1b"),
    ("#a1dab4", "#1b1b1b"),
    ("#41b6c4", "#1b1b1b"),
    ("#1d6fa5", "#ffffff"),
    ("#253494", "#ffffff"),
)
# Nothing at all: the gaps, drawn hatched (static/css/portal.css, .gap) and never coloured.
GAP = ("#ffffff", "#1b1b1b")


@dataclass(frozen=True)
class Level:
    """One step of the scale: the counts from `low` to `high` drawn in `fill`."""

    index: int  # 0 is the gap; then the steps this scale uses, 1, 2 …
    low: int
    high: int
    fill: str
    ink: str
    step: int = 0  # which of STEPS it is drawn in, 1 to len(STEPS) (CSS class step-N); 0 the gap

    @property
    def label(self) -> str:
        if self.index == 0:
            return str(_("none"))
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Scale:
    """The steps for counts up to `highest`: equal ranges of it, fewer when it is small."""

    levels: tuple[Level, ...]

    @classmethod
    def up_to(cls, highest: int) -> "Scale":
        gap = Level(0, 0, 0, *GAP, step=0)
        if highest <= 0:
            return cls((gap,))
        bounds = sorted({math.ceil(highest * i / len(STEPS)) for i in range(1, len(STEPS) + 1)})
        # Spread the steps used over the whole scale, so that the highest is always the darkest.
        used = [round(i * len(STEPS) / len(bounds)) for i in range(1, len(bounds) + 1)]
        levels, low = [gap], 1
        for index, (high, step) in enumerate(zip(bounds, used, strict=True), start=1):
            fill, ink = STEPS[step - 1]
            levels.append(Level(index, low, high, fill, ink, step=step))
            low = high + 1
        return cls(tuple(levels))

    def level(self, count: int) -> Level:
        for level in self.levels:
            if count <= level.high:
                return level
        return self.levels[-1]

    @property
    def legend(self) -> tuple[Level, ...]:
        return self.levels


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    url: str  # the list of exactly what the bar counts
    width: float = 0.0  # share of the chart's widest bar, 0 to 100
    note: str = ""  # a figure beside the count, worded (a sum of amounts)
    value: str = ""  # that figure as data, for the CSV


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart, with what its alternatives need: a title, a sentence that says
    what it shows, the table (the bars themselves) and the address of its CSV."""

    slug: str
    title: str
    summary: str
    bars: tuple[Bar, ...]
    csv_url: str
    unit: str = field(default_factory=lambda: str(_("pledges")))

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def height(self) -> int:
        return ROW_HEIGHT * max(len(self.bars), 1)

    @property
    def rows(self):
        """(bar, y) of each bar in the SVG."""
        return [(bar, index * ROW_HEIGHT) for index, bar in enumerate(self.bars)]


# The SVG's row height and the width its bars share (templates/reviews/includes/bar_chart.html).
ROW_HEIGHT = 28


def bars(
    rows: list[tuple[str, int, str]], notes: dict[int, tuple[str, str]] | None = None
) -> tuple[Bar, ...]:
    """Bars of (label, count, url) rows, sized to the widest; `notes` (worded, as data) by row."""
    widest = max((count for _label, count, _url in rows), default=0)
    notes = notes or {}
    return tuple(
        Bar(
            label=label,
            count=count,
            url=url,
            width=round(100 * count / widest, 2) if widest else 0.0,
            note=notes.get(index, ("", ""))[0],
            value=notes.get(index, ("", ""))[1],
        )
        for index, (label, count, url) in enumerate(rows)
    )
