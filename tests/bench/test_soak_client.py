"""How the soak counts answers and fails a run: a 500 always fails it, a 503 only without
Retry-After or outside an outage, and a person falls back on the other server once."""

import random
from collections import Counter
from types import SimpleNamespace

import pytest

from bench.soak.client import Balancer, WriteLog, classify, verdict


def _answer(status, **headers):
    return SimpleNamespace(status_code=status, headers=headers)


@pytest.mark.parametrize(
    ("status", "headers", "outcome"),
    [
        (200, {}, "ok"),
        (201, {}, "unexpected-status"),
        (0, {}, "connection-error"),
        (500, {}, "5xx"),
        (502, {}, "5xx"),
        (503, {"Retry-After": "30"}, "503"),
        (503, {}, "503-without-retry-after"),
        (429, {}, "429"),
        (404, {}, "unexpected-status"),
    ],
)
def test_each_answer_falls_in_one_outcome(status, headers, outcome):
    assert classify(_answer(status, **headers), expected=(200,)) == outcome


def test_a_rate_limit_is_an_outcome_of_its_own_where_the_portal_limits_posting():
    assert classify(_answer(429), expected=(201,), rate_limit_ok=True) == "rate-limited"


def test_a_500_fails_even_a_run_with_an_outage():
    outcomes = Counter({"ok": 10, "5xx": 1, "503": 2, "connection-error": 3})
    assert verdict(outcomes, outage=True) == ["1 × 5xx"]


def test_a_503_without_retry_after_fails_a_run_with_an_outage():
    assert verdict(Counter({"503-without-retry-after": 1}), outage=True) == [
        "1 × 503-without-retry-after"
    ]


def test_outside_an_outage_every_failure_fails_the_run():
    outcomes = Counter({"ok": 10, "503": 2, "connection-error": 1, "rate-limited": 4})
    assert verdict(outcomes, outage=False) == ["2 × 503", "1 × connection-error"]
    assert verdict(Counter({"ok": 3, "connection-error-retried": 2}), outage=False) == []


def test_a_run_that_made_no_request_fails():
    assert verdict(Counter(), outage=False) == [
        "no request was answered or refused: nothing was tested"
    ]


def test_a_person_keeps_one_server_and_tries_one_other_after_failing_over():
    balancer = Balancer(["http://a", "http://b", "http://c"], random.Random(1))  # noqa: S311 — not a secret
    first = balancer.order()
    assert len(first) == 2 and first[0] != first[1]
    balancer.fail_over()
    assert balancer.order()[0] == first[1]


def test_the_write_log_appends_one_json_line_per_write(tmp_path):
    path = tmp_path / "writes.jsonl"
    log = WriteLog(str(path))
    log.record(kind="comment", id=1, pledge=2, body="Soak «text»")
    log.record(kind="pledge", id=3, version=2, title="T", summary="S")
    log.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert log.count == 2
    assert lines[0] == '{"kind": "comment", "id": 1, "pledge": 2, "body": "Soak «text»"}'
