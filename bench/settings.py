"""Sizes, time limits and the environment every process of the bench runs with (one place)."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = Path(__file__).resolve().parent / "results.json"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_DB_PREFIX", "portal_bench_")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class Size:
    """One seeded database: its name and how many demo pledges and comments it holds."""

    name: str
    database: str
    pledges: int
    comments: int

    @property
    def url(self) -> str:
        return f"{SERVER}/{self.database}"


def _size(name: str, variable: str, default: str) -> Size:
    text = os.environ.get(variable, default)
    try:
        pledges, comments = (int(part) for part in text.split(":"))
    except ValueError:
        raise SystemExit(f"{variable} must read PLEDGES:COMMENTS, e.g. {default}") from None
    return Size(name, f"{PREFIX}{name}", pledges, comments)


def sizes() -> tuple[Size, Size]:
    return (
        _size("small", "BENCH_SMALL", "1000:10000"),
        _size("large", "BENCH_LARGE", "100000:1000000"),
    )


# Seconds each step may take before the bench gives up on it (and exits non-zero).
TIMEOUTS = {
    "migrate": 600,
    "seed": int(os.environ.get("BENCH_SEED_TIMEOUT", 3600)),
    "probe": int(os.environ.get("BENCH_PROBE_TIMEOUT", 1800)),
    "throughput": int(os.environ.get("BENCH_THROUGHPUT_TIMEOUT", 900)),
}
# Timed requests per page (their median is kept), after WARMUP untimed ones.
REPEAT = int(os.environ.get("BENCH_REPEAT", 7))
WARMUP = 2
# A fast page (one answered from the cache in 3 ms) is timed over at least this long, up to
# MAX_REPEAT requests: over seven requests, a millisecond of the machine's noise decided its
# large ÷ small ratio.
MIN_TIMED_SECONDS = 0.15
MAX_REPEAT = 60
# Load generator: seconds per measurement, rounds alternating the addresses, connections.
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 5))
LOAD_ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", 3))
LOAD_CONNECTIONS = 16


def environment(size: Size, **extra: str) -> dict[str, str]:
    """A production-like portal (DEBUG off) on the size's database, with the API throttles raised
    so that the load generator measures the portal, not its 429s."""
    env = {
        **os.environ,
        "DATABASE_URL": size.url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "API_THROTTLE_ANON": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
        # Every XLSX export downloaded at once, so that the bench times the workbook itself (a
        # large one is otherwise built by a task for a signed-in person: reviews/exports/jobs.py).
        "EXPORT_XLSX_DIRECT_ROWS": "100000000",
        # The production topology's cache (deploy/): Redis, keyed apart per database.
        "CACHE_URL": CACHE_URL,
        "CACHE_KEY_PREFIX": f"bench_{size.name}",
        "DJANGO_SETTINGS_MODULE": "bench.portal_settings",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    return env
