"""Odd query strings and bodies are answered with a JSON 4xx, never a 500, and change nothing
(forged cursors, NUL bytes PostgreSQL refuses, numbers beyond any column, wrong types)."""

import base64
import datetime as dt
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Comment, Flag, Objective, Pledge, ProgressUpdate
from tests.api.conftest import assert_json_error, token_client
from tests.factories import CommentFactory, PledgeFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:pledge-list")


def detail(pledge) -> str:
    return reverse("api:pledge-detail", args=[pledge.pk])


def _cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


ODD_QUERIES = [
    "/api/v1/pledges/?page_size=abc",
    "/api/v1/pledges/?page_size=-1",
    "/api/v1/pledges/?page_size=0",
    "/api/v1/pledges/?page_size=99999999999999999999999",
    "/api/v1/pledges/?cursor=garbage",
    f"/api/v1/pledges/?cursor={_cursor('p=abc')}",
    f"/api/v1/pledges/?cursor={_cursor('p=None&r=1')}",
    f"/api/v1/pledges/?cursor={_cursor('o=-5')}",
    f"/api/v1/pledges/?cursor={_cursor('o=99999999999999999999999')}",
    f"/api/v1/pledges/?ordering=updated_at&cursor={_cursor('p=yesterday')}",
    f"/api/v1/pledges/?ordering=title&cursor={_cursor('p=%00')}",
    f"/api/v1/comments/?cursor={_cursor('p=1e400')}",
    f"/api/v1/progress-updates/?ordering=date&cursor={_cursor('p=2025-02-30')}",
    f"/api/v1/declaration-paragraphs/?cursor={_cursor('p=abc')}",
    f"/api/v1/actors/?cursor={_cursor('p=' + 'x' * 5000)}",
    "/api/v1/pledges/?ordering=lead__name",
    "/api/v1/pledges/?ordering=-description,published_at",
    "/api/v1/cycles/?ordering=round_tables",
    "/api/v1/progress-updates/?ordering=author__email",
    "/api/v1/pledges/?objective=1e400",
    "/api/v1/pledges/?objective=-1",
    "/api/v1/pledges/?objective=99999999999999999999999",
    "/api/v1/pledges/?principle=99999999999999999999999",
    "/api/v1/pledges/?q=%00",
    "/api/v1/pledges/?q=%27%20OR%201%3D1%20--",
    "/api/v1/pledges/?q=" + "x" * 5000,
    "/api/v1/pledges/?cycle=%00",
    "/api/v1/pledges/?country=%F0%9F%98%80",
    "/api/v1/pledges/0/",
    "/api/v1/pledges/-1/",
    "/api/v1/pledges/99999999999999999999999/",
    "/api/v1/pledges/abc/",
    "/api/v1/pledges/1.5/",
    "/api/v1/pledges/%00/",
    "/api/v1/comments/?since=2025-13-45T99:00",
    "/api/v1/comments/?since=0263-10-06T04:02:26.606970%2B21:43",
    "/api/v1/comments/?since=0001-01-01T00:00:00%2B23:59",
    "/api/v1/comments/?since=9999-12-31T23:59:59-23:59",
    "/api/v1/comments/?pledge=-1",
    "/api/v1/comments/?pledge=99999999999999999999999",
    "/api/v1/comments/?objective=99999999999999999999999",
    "/api/v1/comments/?parent=abc",
    "/api/v1/comments/99999999999999999999999/",
    "/api/v1/progress-updates/?objective=abc&actor_kind=x",
    "/api/v1/progress-updates/?pledge=99999999999999999999999",
    "/api/v1/declaration-paragraphs/?objectives__number=99999999999999999999999",
    "/api/v1/declaration-paragraphs/99999999999999999999999/",
    "/api/v1/cycles/?year=-1",
    "/api/v1/cycles/?year=99999999999999999999",
    "/api/v1/objectives/99999999999999999999999/",
    "/api/v1/principles/0/",
    "/api/v1/actors/?country=ZZ&region=mars",
    "/api/v1/actors/%00/",
    "/api/v1/cycles/imrf%002026/",
    "/api/v1/declaration-paragraphs/?cycle__slug=%00",
    "/api/v1/pledges/?cycle=imrf%002026&principle=%00",
    "/api/v1/coalitions/%E2%80%AE/",
    "/api/v1/stats/coverage/?objective=abc&country=ZZ",
    "/api/v1/stats/month/?cycle=99999999999999999999999",
    "/api/v1/stats/freshness/?freshness=red&page_size=-1",
]


@pytest.mark.parametrize("url", ODD_QUERIES)
def test_odd_query_strings_are_never_a_500(focal_a, url):
    for client in (APIClient(), token_client(focal_a)):
        response = client.get(url)

        assert response.status_code < 500, response.content
        if response.status_code >= 400:
            assert_json_error(response, response.status_code)


@pytest.fixture
def targets(actor_a, focal_a):
    published = PledgeFactory(lead=actor_a, published=True)
    return {
        "draft": PledgeFactory(lead=actor_a),
        "published": published,
        "update": ProgressUpdateFactory(pledge=published),
        "comment": CommentFactory(pledge=published),
        "objective": Objective.objects.get(number=3),
    }


def _odd_bodies(t, actor):
    a = actor.pk
    draft, published = t["draft"], t["published"]
    comment_on = {"target": "objective", "target_id": t["objective"].pk}
    comment = f"/api/v1/comments/{t['comment'].pk}/"
    huge = 99999999999999999999999
    return [
        ("post", LIST, []),
        ("post", LIST, "just a string"),
        ("post", LIST, None),
        ("post", LIST, 12),
        ("post", LIST, {"lead": "abc"}),
        ("post", LIST, {"lead": huge, "title": "x"}),
        ("post", LIST, {"lead": a, "title": "x" * 10_000}),
        ("post", LIST, {"lead": a, "title": "x", "countries": "SN"}),
        ("post", LIST, {"lead": a, "title": "x", "countries": [None, 7, ["SN"]]}),
        ("post", LIST, {"lead": a, "title": "x", "amount": "1e400"}),
        ("post", LIST, {"lead": a, "title": "x", "amount": "NaN"}),
        ("post", LIST, {"lead": a, "title": "x", "amount": 1e20}),
        ("post", LIST, {"lead": a, "title": "x", "amount": "-5"}),
        ("post", LIST, {"lead": a, "title": "x", "objectives": "7"}),
        ("post", LIST, {"lead": a, "title": "x", "objectives": [huge]}),
        ("post", LIST, {"lead": a, "title": "\x00"}),
        ("post", LIST, {"lead": a, "title": "x", "cycle": "imrf\x002026"}),
        ("post", LIST, {"lead": a, "title": "x", "objectives": ["\x00"]}),
        ("post", LIST, {"lead": a, "title": "x", "start_date": "2025-02-30"}),
        ("post", LIST, {"lead": a, "title": "x", "start_date": "99999-01-01"}),
        ("post", LIST, {"lead": a, "title": "x", "contact_email": "not-an-email"}),
        ("post", LIST, {"lead": a, "title": "x", "matches": huge}),
        ("post", LIST, {"lead": a, "title": "x", "matches": draft.pk}),
        ("post", LIST, {"lead": a, "title": "x", "currency": "EURO"}),
        ("post", LIST, {"lead": a, "title": "x", "version": "x"}),
        ("post", LIST, {"lead": a, "title": "x", "kind": "matching", "matches": draft.pk}),
        ("post", LIST, {"lead": a, "title": {"nested": "object"}}),
        ("patch", detail(draft), {"version": huge}),
        ("patch", detail(draft), {"version": -1}),
        ("patch", detail(draft), {}),
        ("patch", detail(draft), {"version": 1, "objectives": [[1]]}),
        ("patch", detail(draft), {"version": 1, "partners": [a]}),
        ("post", f"{detail(published)}withdraw/", {"reason": ""}),
        ("post", f"{detail(published)}withdraw/", {"reason": "x" * 5_000}),
        ("post", f"{detail(published)}withdraw/", {"reason": None}),
        ("post", f"{detail(draft)}submit/", ["not", "an", "object"]),
        ("post", "/api/v1/comments/", {"target": "pledge", "target_id": huge, "body": "x"}),
        ("post", "/api/v1/comments/", {**comment_on, "body": "\x00"}),
        ("post", "/api/v1/comments/", {**comment_on, "body": "   "}),
        ("post", "/api/v1/comments/", {**comment_on, "body": "x", "parent": huge}),
        ("post", "/api/v1/comments/", {**comment_on, "body": "x", "parent": t["comment"].pk}),
        ("post", "/api/v1/comments/", {**comment_on, "body": "x", "actor": huge}),
        ("post", "/api/v1/comments/", {"target": "pledge", "target_id": draft.pk, "body": "x"}),
        ("post", "/api/v1/comments/", {"target": "nope", "target_id": 1, "body": "x"}),
        ("post", "/api/v1/comments/", {"target": "progress_update", "target_id": -1}),
        ("patch", comment, {"body": None}),
        (
            "post",
            f"/api/v1/comments/{t['comment'].pk}/flag/",
            {"reason": "other", "text": "x" * 999},
        ),
        ("post", f"/api/v1/comments/{t['comment'].pk}/flag/", {"reason": "bored"}),
        ("post", f"/api/v1/comments/{t['comment'].pk}/hide/", {"reason": "x"}),
        ("post", "/api/v1/progress-updates/", {"pledge": huge, "stage": "completed"}),
        ("post", "/api/v1/progress-updates/", {"pledge": published.pk, "stage": "x"}),
        (
            "post",
            "/api/v1/progress-updates/",
            {"pledge": published.pk, "date": "3000-01-01", "stage": "completed", "narrative": "x"},
        ),
        (
            "post",
            "/api/v1/progress-updates/",
            {"pledge": published.pk, "stage": "completed", "narrative": "x" * 6_000},
        ),
        (
            "post",
            "/api/v1/progress-updates/",
            {"pledge": published.pk, "stage": "completed", "narrative": "x", "actor": huge},
        ),
        ("post", "/api/v1/progress-updates/", {"pledge": draft.pk, "stage": "completed"}),
    ]


def test_odd_bodies_are_never_a_500_and_change_nothing(focal_a, actor_a, targets):
    client = token_client(focal_a)
    before = (
        list(Pledge.objects.order_by("pk").values_list("pk", "status", "version")),
        ProgressUpdate.objects.count(),
        Comment.objects.count(),
        Flag.objects.count(),
    )

    for method, url, data in _odd_bodies(targets, actor_a):
        response = getattr(client, method)(url, json.dumps(data), content_type="application/json")

        assert 400 <= response.status_code < 500, (method, url, data, response.content)
        assert_json_error(response, response.status_code)
    after = (
        list(Pledge.objects.order_by("pk").values_list("pk", "status", "version")),
        ProgressUpdate.objects.count(),
        Comment.objects.count(),
        Flag.objects.count(),
    )
    assert after == before


def test_a_moment_with_a_large_offset_still_filters_comments(actor_a):
    """+14:00 is a real offset (Kiribati); it is compared in UTC, on every database."""
    pledge = PledgeFactory(lead=actor_a, published=True)
    older = CommentFactory(pledge=pledge, created_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC))
    newer = CommentFactory(pledge=pledge, created_at=dt.datetime(2026, 3, 1, 11, 0, tzinfo=dt.UTC))

    # 2026-03-01T10:00 UTC written with Kiribati's offset
    response = APIClient().get("/api/v1/comments/", {"since": "2026-03-02T00:00:00+14:00"})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [newer.pk]
    assert older.pk != newer.pk
