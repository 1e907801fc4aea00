"""Find every acknowledged write of a soak run in the database (issue 11 §4: nothing lost).

    DATABASE_URL=postgres://… $PY -m bench.soak.verify --writes writes.jsonl

Each line of the file is a write the portal acknowledged (see `locustfile.py`):
- a comment (`kind` "comment"): the row must exist, on that pledge, with that body;
- a pledge (`kind` "pledge", created or edited): its history must hold a version with that title
  and summary, and the pledge itself must be at the last acknowledged version with that content,
  or at a later version (a later edit that was saved but whose answer was lost in a crash).
Prints a summary; exits 1 listing the writes that are missing or changed.
"""

import argparse
import json
import os
import sys
from collections import Counter

KINDS = {"comment", "pledge"}


def read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _comment_problem(write, comments) -> str | None:
    found = comments.get(write["id"])
    if found is None:
        return "missing"
    if found["pledge_id"] != write["pledge"] or found["body"] != write["body"]:
        return f"changed: now on pledge {found['pledge_id']} with body {found['body']!r}"
    return None


def _pledge_problems(writes, pledges, history) -> list[tuple[dict, str]]:
    problems = []
    last = {}
    for write in writes:
        if (write["title"], write["summary"]) not in history.get(write["id"], set()):
            problems.append((write, "no saved version with this title and summary"))
        if write["version"] >= last.get(write["id"], write)["version"]:
            last[write["id"]] = write
    for pk, write in last.items():
        current = pledges.get(pk)
        if current is None:
            problems.append((write, "missing"))
        elif current["version"] < write["version"]:
            problems.append((write, f"pledge is back at version {current['version']}"))
        elif current["version"] == write["version"] and (
            current["title"] != write["title"] or current["summary"] != write["summary"]
        ):
            problems.append((write, f"changed: now {current['title']!r} / {current['summary']!r}"))
    return problems


def verify(writes: list[dict]) -> tuple[Counter, list[tuple[dict, str]]]:
    """Counts of the writes by kind, and each write not found as acknowledged, with why."""
    from reviews.models import Comment, Pledge

    kinds = Counter(write["kind"] for write in writes)
    unknown = [(write, "unknown kind") for write in writes if write["kind"] not in KINDS]
    comment_writes = [write for write in writes if write["kind"] == "comment"]
    pledge_writes = [write for write in writes if write["kind"] == "pledge"]
    comments = {
        row["pk"]: row
        for row in Comment.objects.filter(pk__in={w["id"] for w in comment_writes}).values(
            "pk", "pledge_id", "body"
        )
    }
    pledge_ids = {write["id"] for write in pledge_writes}
    pledges = {
        row["pk"]: row
        for row in Pledge.objects.filter(pk__in=pledge_ids).values(
            "pk", "version", "title", "summary"
        )
    }
    history = {}
    for pk, title, summary in Pledge.history.filter(id__in=pledge_ids).values_list(
        "id", "title", "summary"
    ):
        history.setdefault(pk, set()).add((title, summary))
    problems = unknown
    for write in comment_writes:
        problem = _comment_problem(write, comments)
        if problem:
            problems.append((write, problem))
    problems += _pledge_problems(pledge_writes, pledges, history)
    return kinds, problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", required=True, help="the JSONL file the soak run wrote")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    writes = read(args.writes)
    kinds, problems = verify(writes)
    by_kind = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())) or "none"
    out = sys.stdout
    lost = len(problems)
    out.write(f"{len(writes)} acknowledged writes ({by_kind}); {lost} not found as written.\n")
    for write, problem in problems:
        entry = json.dumps(write, ensure_ascii=False)
        out.write(f"  {write['kind']} {write['id']}: {problem} — {entry}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
