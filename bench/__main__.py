"""`python -m bench` (`make bench`): seed or reuse, measure, print the table, write results.json.

Steps run one after the other, each bounded by a timeout (bench.settings.TIMEOUTS). A step that
fails is reported and the others still run; the exit status is then 1. A ratio outside its
target is only a FAIL in the table: the bench is a report.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from bench import databases, ratios, throughput
from bench.report import table, write_json
from bench.settings import PYTHON, RESULTS, ROOT, TIMEOUTS, Size, environment, sizes


def log(message: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def static_is_stale() -> bool:
    """With DEBUG off the pages need collected static files; collecting again hashes every file
    (a minute on a busy machine), so only when a source is newer than the manifest."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in (ROOT / "static").rglob("*"))


def probe(size: Size, deep: bool, times_only: bool = False) -> dict:
    """Run the in-process measurements against one database, in a process of its own."""
    flags = [*(["--deep"] if deep else []), *(["--times"] if times_only else [])]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{size.name}.json"
        subprocess.run(  # noqa: S603 — the bench's own module
            [PYTHON, "-m", "bench.probe", size.name, str(out), *flags],
            cwd=ROOT,
            env=environment(size),
            check=True,
            timeout=TIMEOUTS["probe"],
        )
        return json.loads(out.read_text())


def merge_times(figures: dict, again: dict) -> None:
    """Keep, per timed page, the faster of the two passes' medians (in `figures`)."""
    times = figures.setdefault("times", {})
    for label, seconds in again.items():
        times[label] = min(times.get(label, seconds), seconds)


def main() -> int:
    small, large = sizes()
    errors: list[str] = []
    context: dict = {"sizes": {s.name: [s.pledges, s.comments] for s in (small, large)}}
    started = time.monotonic()

    def step(name: str, run, default=None):
        log(f"{name}…")
        try:
            return run()
        except (
            subprocess.CalledProcessError,
            subprocess.TimeoutExpired,
            psycopg.Error,
            OSError,
            RuntimeError,
        ) as error:
            errors.append(f"{name}: {error}")
            log(f"{name} FAILED: {error}")
            return default

    if static_is_stale():
        step(
            "collectstatic",
            lambda: subprocess.run(  # noqa: S603
                [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"],
                cwd=ROOT,
                env=environment(small),
                check=True,
                timeout=TIMEOUTS["migrate"],
            ),
        )
    context["databases"] = {
        s.name: step(f"database {s.database}", lambda s=s: databases.ensure(s, log))
        for s in (small, large)
    }
    found = {
        s.name: step(f"probe {s.database}", lambda s=s: probe(s, deep=s is large), {})
        for s in (small, large)
    }
    # The timed pages once more, small then large again: each page keeps its faster median of
    # the two passes, so that a burst of the machine's other work during one size's pass does not
    # decide a large ÷ small ratio of pages that take a few milliseconds.
    for s in (small, large):
        again = step(f"timed pages again {s.database}", lambda s=s: probe(s, False, True), {})
        errors += [f"probe {s.name} (again): {error}" for error in again.get("errors", [])]
        merge_times(found.get(s.name, {}), again.get("times", {}))
    for size, figures in found.items():
        errors += [f"probe {size}: {error}" for error in figures.get("errors", [])]
    load = step("throughput under gunicorn", lambda: throughput.measure(large, log))
    # The raw figures first: a fault in the table below must not lose a long run's numbers.
    RESULTS.write_text(json.dumps({"raw": {**found, "throughput": load}}, default=str))
    results = ratios.build(found["small"], found["large"], load)
    context.update(
        {
            "seconds": round(time.monotonic() - started),
            "errors": errors,
            "raw": {**found, "throughput": load},
        }
    )
    sys.stdout.write(table(results) + "\n")
    write_json(RESULTS, results, context)
    log(f"results in {RESULTS.relative_to(ROOT)}, {context['seconds']} s in all")
    for error in errors:
        log(f"not measured: {error}")
    missing = [r.metric for r in results if r.verdict == "MISSING"]
    return 1 if errors or missing else 0


if __name__ == "__main__":
    sys.exit(main())
