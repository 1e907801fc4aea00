"""The bench's one table: metric, value, target, OK/FAIL; and results.json."""

import json
import math
import operator
from dataclasses import asdict, dataclass
from pathlib import Path

# How a value is compared with its target.
COMPARE = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, "==": operator.eq}


@dataclass(frozen=True)
class Result:
    metric: str
    value: float | None
    target: str = ""  # e.g. "<= 1.5"; empty for an informational figure
    unit: str = ""
    note: str = ""
    fail: bool = False  # a failure the value alone does not show (a count that grows)

    @property
    def verdict(self) -> str:
        """OK or FAIL against the target; "info" without one; MISSING if not measured."""
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return "MISSING"
        if self.fail:
            return "FAIL"
        if not self.target:
            return "info"
        sign, limit = self.target.split()
        return "OK" if COMPARE[sign](self.value, float(limit)) else "FAIL"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if float(value).is_integer() and abs(value) < 1e9:
        text = str(int(value))
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(results: list[Result]) -> str:
    """Aligned columns, the verdict last so that a FAIL is easy to find."""
    header = ("metric", "value", "target", "")
    lines = [
        (
            r.metric,
            _number(r.value, r.unit),
            r.target,
            r.verdict + (f"  {r.note}" if r.note else ""),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(3)]

    def fmt(row):
        return "  ".join(
            [row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].ljust(widths[2]), row[3]]
        ).rstrip()

    rule = "-" * (sum(widths) + 4 + max(len(row[3]) for row in [header, *lines]) + 2)
    return "\n".join([fmt(header), rule, *map(fmt, lines)])


def summary(results: list[Result]) -> dict:
    counts = {}
    for result in results:
        counts[result.verdict] = counts.get(result.verdict, 0) + 1
    return counts


def write_json(path: Path, results: list[Result], context: dict) -> None:
    payload = {
        **context,
        "summary": summary(results),
        "results": [{**asdict(r), "verdict": r.verdict} for r in results],
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
