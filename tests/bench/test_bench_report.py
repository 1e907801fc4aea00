"""The bench's own logic: verdicts, the table, the reuse marker and the deep cursor it builds.

The bench itself is not run here (it needs two seeded PostgreSQL databases); `make bench` is.
"""

import json

import pytest
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from bench import ratios, throughput
from bench.__main__ import merge_times
from bench.databases import is_complete
from bench.probe import cursor_token
from bench.report import Result, table, write_json
from bench.settings import LOAD_SECONDS, Size


@pytest.mark.parametrize(
    ("value", "target", "verdict"),
    [
        (1.4, "<= 1.5", "OK"),
        (1.6, "<= 1.5", "FAIL"),
        (0.2, ">= 0.15", "OK"),
        (32.0, "< 32", "FAIL"),
        (3.0, "", "info"),
        (None, "<= 4", "MISSING"),
    ],
)
def test_a_result_is_judged_against_its_target(value, target, verdict):
    assert Result("m", value, target).verdict == verdict


def test_a_query_count_that_grows_with_the_page_fails_even_under_the_limit():
    rows = ratios.queries(
        {
            "queries": {
                "api pledges": {"api": True, "10": 3, "100": 4},
                "pledges": {"api": False, "10": 6, "100": 6},
                "api actors": {"api": True, "10": 6, "100": 6},
            }
        }
    )

    assert [(r.metric, r.verdict) for r in rows] == [
        ("queries/request: api pledges", "FAIL"),
        ("queries/request: pledges", "OK"),
        ("queries/request: api actors", "FAIL"),
    ]
    assert rows[0].note == "3 at 10 rows, 4 at 100"


def test_the_table_lines_up_every_metric_with_its_target_and_verdict():
    text = table(
        [
            Result("large ÷ small: pledge list (API)", 1.234, "<= 1.5", unit="×"),
            Result("CSV export memory growth (77000 rows)", 40.0, "< 32", unit="MB"),
            Result("cursor page 4,000 ÷ page 1 (API pledges)", None, "<= 1.2"),
        ]
    )

    lines = text.splitlines()
    assert lines[0].split() == ["metric", "value", "target"]
    assert lines[2].endswith("OK") and "1.23 ×" in lines[2]
    assert lines[3].endswith("FAIL") and "40 MB" in lines[3]
    assert lines[4].endswith("MISSING")
    # One column each: the targets start at the same place on every line.
    assert (
        len({line.index(target) for line, target in zip(lines[2:], ["<=", "<", "<="], strict=True)})
        == 1
    )


def test_results_json_holds_every_row_and_a_summary(tmp_path):
    path = tmp_path / "results.json"

    write_json(path, [Result("a", 1.0, "<= 2"), Result("b", 3.0, "<= 2")], {"seconds": 5})

    payload = json.loads(path.read_text())
    assert payload["summary"] == {"OK": 1, "FAIL": 1}
    assert payload["results"][1] == {
        "metric": "b",
        "value": 3.0,
        "target": "<= 2",
        "unit": "",
        "note": "",
        "fail": False,
        "verdict": "FAIL",
    }
    assert payload["seconds"] == 5


def test_a_database_is_reused_only_when_seeded_at_exactly_its_size_by_this_seed():
    size = Size("small", "portal_bench_small", 1000, 10000)

    assert is_complete(size, (1000, 10000, True))
    assert not is_complete(size, (1000, 9999, True))  # a seed cut short
    assert not is_complete(size, (2000, 20000, True))  # seeded twice
    assert not is_complete(size, (1000, 10000, False))  # by an earlier seed
    assert not is_complete(size, None)  # no portal tables yet


def test_large_over_small_divides_the_medians_of_the_same_page():
    rows = ratios.scaling({"times": {"actor page": 0.010}}, {"times": {"actor page": 0.020}})

    assert rows[0].value == pytest.approx(2.0)
    assert rows[0].verdict == "FAIL"
    assert rows[0].note == "10.0 ms → 20.0 ms"


def test_the_deep_cursor_is_one_drf_reads_as_after_that_row():
    request = Request(APIRequestFactory().get("/", {"cursor": cursor_token(4321)}))
    paginator = CursorPagination()
    paginator.cursor_query_param = "cursor"

    cursor = paginator.decode_cursor(request)

    assert (cursor.offset, cursor.reverse, cursor.position) == (0, False, "4321")


def test_a_slow_page_is_loaded_long_enough_to_finish_requests():
    assert throughput.duration(0.002) == LOAD_SECONDS  # the trivial view: the minimum
    # 16 connections on 2 workers: a 1 s page answers in ~8 s, so the run lasts 3 × 8 s.
    assert throughput.duration(1.0) == 24
    assert throughput.duration(30.0) == 60  # bounded


def test_each_timed_page_keeps_the_faster_of_its_two_passes():
    figures = {"times": {"pledge list (HTML)": 0.030, "actor page": 0.010}}
    merge_times(figures, {"pledge list (HTML)": 0.020, "actor page": 0.015, "home page": 0.040})

    assert figures["times"] == {
        "pledge list (HTML)": 0.020,
        "actor page": 0.010,
        "home page": 0.040,
    }
