"""How each simulated person reaches the app servers, and how every answer is counted.

A person picks one of the SOAK_HOSTS and keeps it; on a connection error the request is tried
once more on another server, as a load balancer would. Every answer falls in one outcome, counted
for the summary, because they mean different things: a 500 is a portal bug; a 503 is a clean
refusal during an outage, and only with `Retry-After`; a connection error is a server that is
down; a 429 on posting is the portal's own rate limit working.
"""

import json
import os
import random
from collections import Counter

OUTCOMES = Counter()
# A comment post refused by the portal's per-person rate limit (10 in 10 minutes) is expected.
RATE_LIMITED_OK = "rate-limited"


def hosts_from_env() -> list[str]:
    raw = os.environ.get("SOAK_HOSTS", "http://127.0.0.1:8201,http://127.0.0.1:8202")
    hosts = [host.strip().rstrip("/") for host in raw.split(",") if host.strip()]
    if not hosts:
        raise SystemExit("SOAK_HOSTS names no server.")
    return hosts


class WriteLog:
    """The acknowledged writes, one JSON object a line, appended as they are acknowledged."""

    def __init__(self, path: str | None):
        self.count = 0
        self._file = open(path, "a", encoding="utf-8") if path else None  # noqa: SIM115

    def record(self, **entry) -> None:
        self.count += 1
        if self._file is not None:
            self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def classify(response, *, expected: tuple[int, ...], rate_limit_ok: bool = False) -> str:
    """The outcome of one answer (see the module's docstring)."""
    status = response.status_code or 0
    if status == 0:
        return "connection-error"
    if status == 503:
        return "503" if response.headers.get("Retry-After") else "503-without-retry-after"
    if status >= 500:
        return "5xx"
    if status == 429 and rate_limit_ok:
        return RATE_LIMITED_OK
    if status == 429:
        return "429"
    if status in expected:
        return "ok"
    return "unexpected-status"


class Balancer:
    """One person's server, and the others to fall back on."""

    def __init__(self, hosts: list[str], rng: random.Random):
        self.hosts = list(hosts)
        self.current = rng.randrange(len(self.hosts))

    def order(self) -> list[str]:
        """This person's server first, then one other (a single retry)."""
        first = self.hosts[self.current]
        others = self.hosts[self.current + 1 :] + self.hosts[: self.current]
        return [first, *others[:1]]

    def fail_over(self) -> None:
        self.current = (self.current + 1) % len(self.hosts)


def call(user, method: str, path: str, *, name: str, expected=(200,), rate_limit_ok=False, **kw):
    """One request through the person's balancer; returns the response, or None if every server
    it tried refused the connection. Outcomes other than "ok" (and a rate limit where expected)
    are locust failures too, so they show in its table beside their p95."""
    tried = user.balancer.order()
    for attempt, base in enumerate(tried):
        with user.client.request(
            method, base + path, name=name, catch_response=True, allow_redirects=False, **kw
        ) as response:
            outcome = classify(response, expected=expected, rate_limit_ok=rate_limit_ok)
            if outcome == "connection-error" and attempt + 1 < len(tried):
                OUTCOMES["connection-error-retried"] += 1
                user.balancer.fail_over()
                response.success()  # the balancer hides it: the retry is what the person sees
                continue
            OUTCOMES[outcome] += 1
            if outcome in ("ok", RATE_LIMITED_OK):
                response.success()
            else:
                said = (response.error or response.text or "")[:200]
                response.failure(f"{outcome}: HTTP {response.status_code} {said}")
        break
    if not response.status_code:
        return None
    return response


def verdict(outcomes: Counter, *, outage: bool) -> list[str]:
    """What makes the run fail: a 500 (or a 503 without Retry-After) always; during a fault run
    the clean refusals of an outage are allowed, otherwise every outcome must be ok."""
    if not outcomes:
        return ["no request was answered or refused: nothing was tested"]
    problems = [
        f"{outcomes[kind]} × {kind}"
        for kind in ("5xx", "503-without-retry-after")
        if outcomes[kind]
    ]
    strict = ["429", "unexpected-status"] + ([] if outage else ["503", "connection-error"])
    problems += [f"{outcomes[kind]} × {kind}" for kind in strict if outcomes[kind]]
    return problems
