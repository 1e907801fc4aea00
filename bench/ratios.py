"""From the probes' raw figures to the table's rows, each beside its target (issue 11 "Targets")."""

from bench.pages import UNCACHED
from bench.report import Result

TARGETS = {
    "api_queries": "<= 4",
    "html_queries": "<= 8",
    "large_vs_small": "<= 1.5",
    "cursor": "<= 1.2",
    "csv": "<= 2",
    "json": "<= 2.5",
    "memory_mb": "< 32",
    "api_throughput": ">= 0.15",
    "html_throughput": ">= 0.05",
    "search_speedup": ">= 8",
}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def queries(probe: dict) -> list[Result]:
    """Metric a: the count at page size 100, FAIL when it differs from the count at 10."""
    rows = []
    for label, counts in probe.get("queries", {}).items():
        small, large = counts.get("10"), counts.get("100")
        grows = small is not None and large is not None and small != large
        rows.append(
            Result(
                f"queries/request: {label}",
                large,
                TARGETS["api_queries" if counts["api"] else "html_queries"],
                note=f"{small} at 10 rows, {large} at 100" if grows else "",
                fail=grows,
            )
        )
    return rows


def scaling(small: dict, large: dict) -> list[Result]:
    """Metric b: each timed page's median at the large size ÷ at the small size."""
    rows = []
    for label, seconds in small.get("times", {}).items():
        big = large.get("times", {}).get(label)
        rows.append(
            Result(
                f"large ÷ small: {label}",
                _ratio(big, seconds),
                "" if label.endswith(UNCACHED) else TARGETS["large_vs_small"],
                unit="×",
                note=f"{_ms(seconds)} → {_ms(big)}" if big is not None else "",
            )
        )
    return rows


def cursor(large: dict) -> list[Result]:
    found = large.get("cursor")
    if not found:
        return [Result("cursor page 4,000 ÷ page 1 (API pledges)", None, TARGETS["cursor"])]
    depth = f"page {found['depth']} of {found['page_size']} rows"
    return [
        Result(
            "cursor page 4,000 ÷ page 1 (API pledges)",
            _ratio(found["deep"], found["first"]),
            TARGETS["cursor"],
            unit="×",
            note=f"{depth}: {_ms(found['first'])} → {_ms(found['deep'])}",
        ),
        Result(
            "offset page 4,000 ÷ page 1 (same query)",
            _ratio(found["offset_deep"], found["offset_first"]),
            unit="×",
            note=f"{_ms(found['offset_first'])} → {_ms(found['offset_deep'])}",
        ),
    ]


def exports(probe: dict, size: str) -> list[Result]:
    """Metric d: each format ÷ COPY of the same query, and memory growth while streaming."""
    found = probe.get("exports")
    if not found:
        return [Result(f"export ÷ COPY ({size})", None, TARGETS["csv"])]
    rows = [
        Result(
            f"{fmt.upper()} export ÷ COPY ({size}, {found['rows']} rows)",
            _ratio(found[fmt], found["copy"]),
            TARGETS.get(fmt, ""),
            unit="×",
            note=f"COPY {_ms(found['copy'])}, export {_ms(found[fmt])}",
        )
        for fmt in ("csv", "json", "xlsx")
    ]
    for memory in found.get("memory", {}).values():
        rows += [
            Result(
                f"{fmt.upper()} export memory growth ({memory['rows']} rows)",
                memory[fmt],
                TARGETS["memory_mb"],
                unit="MB",
            )
            for fmt in ("csv", "json")
            if fmt in memory
        ]
    return rows


def throughput(found: dict | None) -> list[Result]:
    """Metric e: requests/s of each page ÷ the trivial JSON view's, medians of the rounds."""
    if not found:
        return [Result("pledge list API ÷ trivial view (req/s)", None, TARGETS["api_throughput"])]
    rates = found["requests_per_second"]
    base = rates["trivial JSON view"]
    targets = {"pledge list API": "api_throughput", "HTML pledge list": "html_throughput"}
    rows = [
        Result(
            f"trivial JSON view (req/s, {found['generator']})",
            base,
            unit="/s",
            note=_failed(found, "trivial JSON view"),
            fail=bool(found["failed_responses"]["trivial JSON view"]),
        )
    ]
    for label, rate in rates.items():
        if label == "trivial JSON view":
            continue
        rows.append(
            Result(
                f"{label} ÷ trivial view (req/s)",
                _ratio(rate, base),
                TARGETS[targets[label]] if label in targets else "",
                unit="×",
                note=f"{rate:.1f}/s " + _failed(found, label),
                fail=bool(found["failed_responses"][label]),
            )
        )
    return rows


def _failed(found: dict, label: str) -> str:
    bad = found["failed_responses"][label]
    return f"{bad} failed responses" if bad else ""


FULL_PAGE = 20  # the API's default page size
IGNORED = "; a full page for one pledge's words: is ?search= applied?"


def search(large: dict) -> list[Result]:
    """Metric f: how many times faster the API `?search=` is than `icontains` on the same words,
    for the same first page in the same order (best matches first); newest first beside it."""
    found = large.get("search")
    if not found:
        return [Result("search ?search= vs icontains", None, TARGETS["search_speedup"])]
    rows = []
    for kind, figures in found.items():
        rows.append(
            Result(
                f"icontains ÷ ?search=, ranked ({kind}: {figures['term']!r})",
                _ratio(figures["icontains"], figures["api"]),
                TARGETS["search_speedup"],
                unit="×",
                note=f"icontains {_ms(figures['icontains'])}, API {_ms(figures['api'])}"
                + (IGNORED if kind == "rare" and figures["hits"] >= FULL_PAGE else ""),
            )
        )
        if "api_by_id" in figures:
            rows.append(
                Result(
                    f"icontains ÷ ?search=, newest first ({kind})",
                    _ratio(figures["icontains_by_id"], figures["api_by_id"]),
                    unit="×",
                    note=f"icontains {_ms(figures['icontains_by_id'])}, "
                    f"API {_ms(figures['api_by_id'])}",
                )
            )
    return rows


def build(small: dict, large: dict, load: dict | None) -> list[Result]:
    return [
        *queries(small),
        *scaling(small, large),
        *cursor(large),
        *exports(small, "small"),
        *exports(large, "large"),
        *throughput(load),
        *search(large),
    ]
