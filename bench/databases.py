"""Create or reuse the bench's seeded PostgreSQL databases.

A database is reused when its demo rows are exactly the size asked for (the marker: a count of
demo pledges and of comments). Anything else, such as a seed cut short, is dropped and seeded
again. `migrate` and `load_reference` run every time: both are cheap when nothing is new.
"""

import subprocess
import time

import psycopg

from bench.settings import PYTHON, ROOT, SERVER, TIMEOUTS, Size, environment

# Demo pledges and comments, and whether the latest demo pledge was written by this seed: its
# summary names a word of the vocabulary (reviews.demo.SUMMARY), which earlier seeds did not.
# A database of an earlier seed is seeded anew.
MARKER_SQL = """
SELECT (SELECT count(*) FROM reviews_pledge p JOIN actors_actor a ON a.id = p.lead_id
        WHERE a.is_demo),
       (SELECT count(*) FROM reviews_comment),
       coalesce((SELECT p.summary LIKE '%, with attention to %' FROM reviews_pledge p
                 JOIN actors_actor a ON a.id = p.lead_id WHERE a.is_demo
                 ORDER BY p.id DESC LIMIT 1), false)
"""


def _admin():
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def exists(database: str) -> bool:
    with _admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()


def recreate(database: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')


def seeded_at(size: Size) -> tuple[int, int, bool] | None:
    """(demo pledges, comments, of this seed) in the database, or None when it has no portal
    tables yet."""
    try:
        with psycopg.connect(size.url) as conn:
            return tuple(conn.execute(MARKER_SQL).fetchone())
    except psycopg.errors.UndefinedTable:
        return None


def is_complete(size: Size, found: tuple[int, int, bool] | None) -> bool:
    return found == (size.pledges, size.comments, True)


def manage(size: Size, *args: str, step: str) -> None:
    subprocess.run(  # noqa: S603 — our own manage.py, with arguments made here
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=environment(size),
        check=True,
        timeout=TIMEOUTS[step],
    )


def ensure(size: Size, log) -> dict:
    """The database at `size`, seeded; returns what was done and how long the seed took."""
    found = seeded_at(size) if exists(size.database) else None
    if found is None and not exists(size.database):
        recreate(size.database)
    manage(size, "migrate", "--no-input", "-v0", step="migrate")
    manage(size, "load_reference", "-v0", step="migrate")
    if is_complete(size, found):
        log(f"{size.database}: reusing ({size.pledges} pledges, {size.comments} comments)")
        return {"database": size.database, "reused": True}
    if found not in (None, (0, 0, False)):
        held = f"holds {found[:2]}, not {size.pledges, size.comments}"
        if found[:2] == (size.pledges, size.comments):
            held = "was seeded by an earlier seed_demo"
        log(f"{size.database}: {held}: seeding anew")
        recreate(size.database)
        manage(size, "migrate", "--no-input", "-v0", step="migrate")
        manage(size, "load_reference", "-v0", step="migrate")
    log(f"{size.database}: seeding {size.pledges} pledges and {size.comments} comments…")
    started = time.monotonic()
    manage(
        size,
        "seed_demo",
        f"--pledges={size.pledges}",
        f"--comments={size.comments}",
        "--allow-without-debug",
        "-v0",
        step="seed",
    )
    seconds = time.monotonic() - started
    with psycopg.connect(size.url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # fresh statistics, as a live database would have
    if not is_complete(size, seeded_at(size)):
        raise RuntimeError(f"{size.database}: the seed did not produce the size asked for")
    log(f"{size.database}: seeded in {seconds:.0f} s")
    return {"database": size.database, "reused": False, "seed_seconds": round(seconds, 1)}
