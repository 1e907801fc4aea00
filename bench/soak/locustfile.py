"""50 simulated people on the portal (issue 11 §4): browsing, searching, exporting, commenting and
editing their own draft pledges, against two app servers.

    SOAK_HOSTS=http://127.0.0.1:8201,http://127.0.0.1:8202 SOAK_WRITES=writes.jsonl \
    DATABASE_URL=postgres://… locust -f bench/soak/locustfile.py --headless -u 50 -r 10 -t 60s

Environment: SOAK_HOSTS (comma-separated base URLs; each person keeps one and retries once on
another after a connection error), SOAK_WRITES (JSONL file: one line per acknowledged write, read
by `python -m bench.soak.verify`), SOAK_TOKENS (a file made by `python -m bench.soak.accounts`;
without it the tokens are issued at the start, against DATABASE_URL), SOAK_OUTAGE=1 when faults
are injected (503s with Retry-After and connection errors are then allowed), SOAK_SUMMARY (a JSON
file for the outcome counts and p95). The run exits non-zero on a 500, a 503 without Retry-After,
or (outside an outage) any other failure.

Every request comes from 127.0.0.1, so the servers under test need the anonymous API throttle
raised (API_THROTTLE_ANON=100000/min): the throttle is per address, and 50 people sharing one
would measure the throttle, not the portal.
"""

import itertools
import json
import os
import random
import re
import subprocess
import sys
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

from bench.soak.client import OUTCOMES, Balancer, WriteLog, call, hosts_from_env, verdict

PROJECT = Path(__file__).resolve().parents[2]
HOSTS = hosts_from_env()
WORDS = ["migrant", "labour", "return", "children", "data", "remittances", "border", "health"]
LIST_FILTERS = ["", "?sort=title", "?sort=oldest", "?page=2", "?kind=individual", "?page=3"]
EXPORTS = ["pledges.csv", "pledges.json", "comments.csv"]
PLEDGE_LINK = re.compile(r'href="/pledges/(\d+)/"')
ACTOR_LINK = re.compile(r'href="/actors/([\w-]+)/"')
OBJECTIVES = range(1, 24)

STATE = {"writes": None, "accounts": None, "pledges": [], "published": [], "actors": []}


@events.init.add_listener
def _accounts(environment, **_kw):
    """The writers' tokens, before the run's clock starts (issuing them takes a Django start)."""
    path = os.environ.get("SOAK_TOKENS")
    if path:
        with open(path, encoding="utf-8") as handle:
            accounts = json.load(handle)
    else:
        made = subprocess.run(
            [sys.executable, "-m", "bench.soak.accounts"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            check=True,
        )
        accounts = json.loads(made.stdout)
    STATE["accounts"] = {
        "commenters": itertools.cycle(accounts["commenters"]),
        "editors": itertools.cycle(accounts["editors"]),
    }


@events.test_start.add_listener
def _start(environment, **_kw):
    STATE["writes"] = WriteLog(os.environ.get("SOAK_WRITES"))


@events.quitting.add_listener
def _quit(environment, **_kw):
    total = environment.stats.total
    outage = os.environ.get("SOAK_OUTAGE") == "1"
    problems = verdict(OUTCOMES, outage=outage)
    summary = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "p95_ms": total.get_response_time_percentile(0.95),
        "p95_ms_by_name": {
            name: entry.get_response_time_percentile(0.95)
            for (name, _method), entry in sorted(environment.stats.entries.items())
        },
        "outcomes": dict(sorted(OUTCOMES.items())),
        "acknowledged_writes": STATE["writes"].count if STATE["writes"] else 0,
        "outage": outage,
        "problems": problems,
    }
    if STATE["writes"] is not None:
        STATE["writes"].close()
    sys.stderr.write(f"soak summary: {json.dumps(summary, indent=2)}\n")
    if os.environ.get("SOAK_SUMMARY"):
        with open(os.environ["SOAK_SUMMARY"], "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
    # Set either way: left unset, locust exits 1 on any failure it recorded, and the clean
    # refusals of an outage (a 503 with Retry-After while a fault runs) are recorded failures
    # that the verdict allows.
    environment.process_exit_code = 1 if problems else 0


def _remember(found: list, values) -> None:
    """Keep up to 500 ids or slugs seen in pages, for the people who follow links."""
    for value in values:
        if len(found) < 500 and value not in found:
            found.append(value)


class Person(HttpUser):
    """Someone reading: lists with filters and pages, pledges, objectives, actors, searches and
    exports. The host is only locust's default; `call` picks the person's own server."""

    abstract = True
    host = HOSTS[0]
    wait_time = between(1, 3)

    def on_start(self):
        self.rng = random.Random()  # noqa: S311 — load shapes, not secrets
        self.balancer = Balancer(HOSTS, self.rng)

    def get(self, path, *, name, **kw):
        return call(self, "GET", path, name=name, **kw)

    def _pledge_id(self):
        return self.rng.choice(STATE["pledges"]) if STATE["pledges"] else None


class Reader(Person):
    weight = 38

    @task(3)
    def home(self):
        self.get("/", name="/")

    @task(6)
    def pledge_list(self):
        response = self.get("/pledges/" + self.rng.choice(LIST_FILTERS), name="/pledges/?filters")
        if response is not None and response.status_code == 200:
            _remember(STATE["pledges"], map(int, PLEDGE_LINK.findall(response.text)))

    @task(6)
    def pledge_page(self):
        pk = self._pledge_id()
        if pk is not None:
            self.get(f"/pledges/{pk}/", name="/pledges/<id>/")

    @task(2)
    def objectives(self):
        self.get("/objectives/", name="/objectives/")
        self.get(f"/objectives/{self.rng.choice(OBJECTIVES)}/", name="/objectives/<n>/")

    @task(2)
    def actors(self):
        response = self.get("/actors/", name="/actors/")
        if response is not None and response.status_code == 200:
            _remember(STATE["actors"], ACTOR_LINK.findall(response.text))
        if STATE["actors"]:
            self.get(f"/actors/{self.rng.choice(STATE['actors'])}/", name="/actors/<slug>/")

    @task(3)
    def search(self):
        word = self.rng.choice(WORDS)
        self.get(f"/pledges/?q={word}", name="/pledges/?q=")
        self.get(f"/api/v1/pledges/?search={word}", name="/api/v1/pledges/?search=")

    @task(1)
    def export(self):
        objective = self.rng.choice(OBJECTIVES)
        resource = self.rng.choice(EXPORTS)
        self.get(f"/exports/{resource}?objective={objective}", name=f"/exports/{resource}")


class Writer(Person):
    """Someone signed in through an API token of a demo account."""

    abstract = True

    def on_start(self):
        super().on_start()
        self.account = next(STATE["accounts"][self.pool])
        self.headers = {"Authorization": f"Token {self.account['token']}"}

    def send(self, method, path, *, name, body, **kw):
        return call(self, method, path, name=name, json=body, headers=self.headers, **kw)

    @staticmethod
    def typed(what: str) -> str:
        """Text nobody else types, so the verifier finds exactly this write."""
        return f"Soak {what} {uuid.uuid4().hex[:12]}"


class Commenter(Writer):
    weight = 8
    pool = "commenters"

    @task
    def comment(self):
        # Only published pledges take comments (the public list shows withdrawn ones too).
        if not STATE["published"] or self.rng.random() < 0.1:
            page = self.rng.randint(1, 3)
            path = f"/pledges/?status=published&page={page}"
            response = self.get(path, name="/pledges/?status=published")
            if response is not None and response.status_code == 200:
                _remember(STATE["published"], map(int, PLEDGE_LINK.findall(response.text)))
        if not STATE["published"]:
            return
        pk = self.rng.choice(STATE["published"])
        body = self.typed("comment") + " on a published pledge."
        response = self.send(
            "POST",
            "/api/v1/comments/",
            name="POST /api/v1/comments/",
            body={"target": "pledge", "target_id": pk, "body": body},
            expected=(201,),
            rate_limit_ok=True,
        )
        if response is not None and response.status_code == 201:
            saved = response.json()
            STATE["writes"].record(kind="comment", id=saved["id"], pledge=pk, body=body)


class Editor(Writer):
    """Drafts one pledge for the account's organisation, then keeps editing it."""

    weight = 4
    pool = "editors"

    def on_start(self):
        super().on_start()
        self.pledge = None

    def _acknowledged(self, saved):
        self.pledge = {"id": saved["id"], "version": saved["version"]}
        STATE["writes"].record(
            kind="pledge",
            id=saved["id"],
            version=saved["version"],
            title=saved["title"],
            summary=saved["summary"],
        )

    @task
    def edit_draft(self):
        title, summary = self.typed("draft"), self.typed("summary") + " typed under load."
        if self.pledge is None:
            body = {"lead": self.account["lead"], "title": title, "summary": summary}
            response = self.send(
                "POST", "/api/v1/pledges/", name="POST /api/v1/pledges/", body=body, expected=(201,)
            )
            if response is not None and response.status_code == 201:
                self._acknowledged(response.json())
            return
        pk = self.pledge["id"]
        body = {"version": self.pledge["version"], "title": title, "summary": summary}
        response = self.send(
            "PATCH",
            f"/api/v1/pledges/{pk}/",
            name="PATCH /api/v1/pledges/<id>/",
            body=body,
            expected=(200, 409),
        )
        if response is None or response.status_code not in (200, 409):
            return
        if response.status_code == 200:
            self._acknowledged(response.json())
            return
        # 409: an earlier edit was saved but its answer was lost (a server died): read the
        # version back and go on from it.
        path, name = f"/api/v1/pledges/{pk}/", "/api/v1/pledges/<id>/"
        fresh = call(self, "GET", path, name=name, headers=self.headers)
        if fresh is not None and fresh.status_code == 200:
            self.pledge["version"] = fresh.json()["version"]
