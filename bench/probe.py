"""In-process measurements against one seeded database: `python -m bench.probe SIZE OUT.json`.

Run by `python -m bench` once per size, with the environment of `bench.settings.environment`
(DEBUG off). Requests go through Django's test Client, so the times are the portal's own (no
network, no server), and queries are counted with CaptureQueriesContext. A page that does not
answer 200 is an error: it is recorded, and the bench exits non-zero.
"""

import base64
import datetime as dt
import functools
import json
import operator
import statistics
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlencode

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Case, Count, FloatField, Q, Value, When  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import get_resolver, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from actors.models import Actor, User  # noqa: E402
from bench import exports_probe  # noqa: E402
from bench.exports_probe import Failed  # noqa: E402
from bench.pages import HTML_LISTS, PERSONAS, Context, Page, api_lists, timed_pages  # noqa: E402
from bench.settings import MAX_REPEAT, MIN_TIMED_SECONDS, REPEAT, WARMUP  # noqa: E402
from reviews import services, stats  # noqa: E402
from reviews.models import Comment, Need, Objective, Offer, Pledge, ReportingRound  # noqa: E402

PAGE_SIZES = (10, 100)
DEEP_PAGE = 4000


def context() -> Context:
    busy = (
        Comment.objects.public()
        .filter(pledge__isnull=False)
        .values("pledge")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("pledge", flat=True)
        .first()
    )
    lead = Actor.objects.filter(is_demo=True).order_by("pk").first()
    pledge = Pledge.objects.public().filter(lead__is_demo=True).select_related("cycle")
    middle = pledge.order_by("pk")[pledge.count() // 2]
    objective = Objective.objects.order_by("number").values_list("number", flat=True).first()
    if busy is None or lead is None or middle.cycle is None:
        raise Failed("the database holds no seeded demo data")
    focal = User.objects.get(email=PERSONAS["focal"])
    own = (
        Pledge.objects.filter(lead__memberships__user=focal, status=Pledge.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if own is None:
        raise Failed("the focal point's organisation has no published pledge")
    return Context(
        busy_pledge=busy,
        actor=lead.slug,
        cycle=middle.cycle.slug,
        objective=objective,
        rare_term=middle.title.split("(")[-1].rstrip(")"),  # "demo 50001"
        round=_open_round(middle.cycle).slug,
        own_pledge=_measured(own, focal),
        need=_open_need(lead),
    )


def _open_need(lead) -> int:
    """An open need of the first demo organisation, with an offer from each of twenty others
    (made once per database): the need page the bench times."""
    need = Need.objects.filter(actor=lead, title="Bench need").first()
    if need is None:
        need = Need.objects.create(
            actor=lead,
            title="Bench need",
            description="Trainers and funds for labour inspectors.",
            support="financial,technical",
        )
        need.objectives.set(Objective.objects.filter(number__lte=3))
        others = Actor.objects.filter(is_demo=True).exclude(pk=lead.pk).order_by("pk")[:20]
        Offer.objects.bulk_create(
            Offer(need=need, actor=actor, body="Two trainers.") for actor in others
        )
    return need.pk


def _measured(pledge_id: int, by) -> int:
    """The pledge, with an expected result and three indicators (made once per database)."""
    pledge = Pledge.objects.get(pk=pledge_id)
    if not pledge.results.exists():
        indicators = [
            {
                "name": f"Bench indicator {number}",
                "unit": "number",
                "baseline_value": 10 * number,
                "baseline_date": dt.date(2025, 1, 1),
                "target_value": 100 * number,
                "target_date": dt.date(2028, 12, 31),
            }
            for number in (1, 2, 3)
        ]
        services.result_save(
            pledge=pledge, by=by, data={"statement": "Bench result", "indicators": indicators}
        )
    return pledge_id


def _open_round(cycle) -> ReportingRound:
    """A reporting round open today (made once in each bench database): its page and its API,
    and every page's colours as they are while a round is open."""
    today = timezone.localdate()
    found, _made = ReportingRound.objects.update_or_create(
        slug="bench-round",
        defaults={
            "cycle": cycle,
            "name": "Bench reporting round",
            "opens_on": today - dt.timedelta(days=30),
            "closes_on": today + dt.timedelta(days=30),
        },
    )
    return found


def clients() -> dict:
    by_persona = {None: Client()}
    for persona, email in PERSONAS.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        by_persona[persona] = client
    return by_persona


def url_of(page: Page, ctx: Context, **extra) -> tuple[str, dict]:
    return reverse(page.url_name, args=page.args(ctx)), {**page.query(ctx), **extra}


def fetch(client, url: str, query: dict) -> int:
    """GET, reading a streamed body to its end; returns the body's size."""
    try:
        response = client.get(url, query)
    # The test client re-raises what the view raised: a 500, recorded as not measured.
    except Exception as error:
        raise Failed(f"{url} raised {error!r}") from error
    if response.status_code != 200:
        raise Failed(f"{url} answered {response.status_code}")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def median_seconds(client, url: str, query: dict, repeat: int = REPEAT, before=None) -> float:
    """The median time of the request; `before` runs ahead of each one, untimed. A fast request
    is repeated more (MIN_TIMED_SECONDS in all, at most MAX_REPEAT times)."""
    started = time.perf_counter()
    for _ in range(WARMUP):
        fetch(client, url, query)
    warm = (time.perf_counter() - started) / WARMUP
    repeat = max(repeat, min(MAX_REPEAT, int(MIN_TIMED_SECONDS / max(warm, 1e-6))))
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        fetch(client, url, query)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def html_page_size(size: int):
    """Every HTML list pages by `size` rows: the views' sizes are constants, so the shared
    paginator `portal.pagination.page_of` is wrapped wherever a view module imported it."""
    from portal import pagination

    get_resolver().reverse_dict  # noqa: B018 — imports every view module
    original = pagination.page_of

    def page_of(queryset, request, _size, **options):
        return original(queryset, request, size, **options)

    modules = [m for m in list(sys.modules.values()) if getattr(m, "page_of", None) is original]
    for module in modules:
        module.page_of = page_of
    try:
        yield
    finally:
        for module in modules:
            module.page_of = original


def count_queries(client, url: str, query: dict) -> int:
    """The queries of the page in a steady state: the fewest of two requests after a first.

    A session is sometimes written back (its idle timeout is refreshed), which adds queries
    that have nothing to do with the page size."""
    fetch(client, url, query)  # a first request may fill caches
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            fetch(client, url, query)
        counts.append(len(captured.captured_queries))
    return min(counts)


def queries(ctx, by_persona, errors) -> dict:
    """Metric a: queries per request at page size 10 and 100."""
    found = {}
    for page in [*HTML_LISTS, *api_lists()]:
        counts = {}
        try:
            for size in PAGE_SIZES:
                url, query = url_of(page, ctx)
                if page.api:
                    counts[size] = count_queries(
                        by_persona[page.persona], url, {**query, "page_size": size}
                    )
                else:
                    with html_page_size(size):
                        counts[size] = count_queries(by_persona[page.persona], url, query)
        except Failed as error:
            errors.append(f"queries {page.label}: {error}")
        found[page.label] = {"api": page.api, **{str(k): v for k, v in counts.items()}}
    return found


def times(ctx, by_persona, errors) -> dict:
    """Metric b: the median time of each timed page."""
    found = {}
    for page in timed_pages():
        try:
            url, query = url_of(page, ctx)
            before = stats.invalidate if page.uncached or page.cold else None
            found[page.label] = median_seconds(by_persona[page.persona], url, query, before=before)
        except Failed as error:
            errors.append(f"time {page.label}: {error}")
    return found


def cursor(ctx, client) -> dict:
    """Metric c: the API pledge list's cursor page 4,000 (or as deep as the data goes) ÷ page 1,
    with an OFFSET query of the same depth beside it."""
    from reviews.api import PledgeViewSet

    ordering = list(PledgeViewSet.ordering)
    public = Pledge.objects.public().order_by(*ordering)
    total = public.count()
    size = max(1, min(200, total // DEEP_PAGE))
    depth = min(DEEP_PAGE, total // size)
    url = reverse("api:pledge-list")
    # The cursor of the `next` link of page depth - 1: after that page's last row.
    last = public[(depth - 1) * size - 1]
    position = getattr(last, ordering[0].lstrip("-"))
    deep_query = {"page_size": size, "cursor": cursor_token(position)}
    response = client.get(url, deep_query)
    if response.status_code != 200 or not response.json()["results"]:
        raise Failed(f"the deep cursor page answered {response.status_code}, or nothing")
    # Each page as computed, not as the anonymous list's cache keeps it.
    first = median_seconds(client, url, {"page_size": size}, before=stats.invalidate)
    deep = median_seconds(client, url, deep_query, before=stats.invalidate)
    offset_first = _median_query(lambda: list(public[:size]))
    offset_deep = _median_query(lambda: list(public[(depth - 1) * size : depth * size]))
    return {
        "page_size": size,
        "depth": depth,
        "first": first,
        "deep": deep,
        "offset_first": offset_first,
        "offset_deep": offset_deep,
    }


def cursor_token(position) -> str:
    """The `cursor` parameter for "the rows after `position`", encoded as DRF's
    CursorPagination.encode_cursor does (offset 0, forwards)."""
    return base64.b64encode(urlencode({"p": str(position)}).encode("ascii")).decode("ascii")


def _median_query(run, repeat: int = REPEAT) -> float:
    run()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _icontains(term: str):
    """`icontains` on the columns the full-text search reads, every word in one of them, and a
    rank of the same weights (reviews.search.WEIGHTS): each word found adds the weight of the
    best column it is in."""
    from reviews.search import WEIGHTS

    found, ranks = Q(), []
    for word in term.split():
        found &= functools.reduce(
            operator.or_, (Q(**{f"{column}__icontains": word}) for column in WEIGHTS)
        )
        ranks.append(
            Case(
                *(
                    When(Q(**{f"{column}__icontains": word}), then=Value(weight))
                    for column, weight in WEIGHTS.items()
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
        )
    return Pledge.objects.public().filter(found), functools.reduce(operator.add, ranks)


def search(ctx, client) -> dict:
    """Metric f: the API's `?search=` against `icontains` on the same words, for the same first
    page in the same order: best matches first (the API's order with words), and, for
    information, newest first (`ordering=-pk`), where `icontains` may stop at the first page's
    rows instead of ranking every match."""
    found = {}
    url = reverse("api:pledge-list")
    for kind, term in (("rare", ctx.rare_term), ("common", "remittances")):
        api = median_seconds(client, url, {"search": term}, before=stats.invalidate)
        by_id = median_seconds(
            client, url, {"search": term, "ordering": "-pk"}, before=stats.invalidate
        )
        results = client.get(url, {"search": term}).json()["results"]
        matches, rank = _icontains(term)
        ranked = matches.annotate(rank=rank).order_by("-rank", "-pk")
        newest = matches.order_by("-pk")
        found[kind] = {
            "term": term,
            "api": api,
            "icontains": _median_query(lambda q=ranked: list(q.values_list("pk", flat=True)[:20])),
            "api_by_id": by_id,
            "icontains_by_id": _median_query(
                lambda q=newest: list(q.values_list("pk", flat=True)[:20])
            ),
            "hits": len(results),
        }
    return found


def main(size_name: str, out: str, deep: bool, times_only: bool = False) -> int:
    errors: list[str] = []
    ctx = context()
    by_persona = clients()
    result = {"size": size_name, "context": ctx.__dict__, "errors": errors}
    if times_only:  # the second, alternated pass over the timed pages (bench.__main__)
        result["times"] = times(ctx, by_persona, errors)
        with open(out, "w") as handle:
            json.dump(result, handle, indent=2, default=str)
        return 0
    result["public_pledges"] = Pledge.objects.public().count()
    if not deep:  # counts do not depend on the size; the large moderation pages take minutes
        result["queries"] = queries(ctx, by_persona, errors)
    result["times"] = times(ctx, by_persona, errors)
    steps = {"exports": lambda: exports_probe.measure(by_persona[None], ctx, deep)}
    if deep:
        steps["cursor"] = lambda: cursor(ctx, by_persona[None])
        steps["search"] = lambda: search(ctx, by_persona[None])
    for name, step in steps.items():
        try:
            result[name] = step()
        except Failed as error:
            errors.append(f"{name}: {error}")
    with open(out, "w") as handle:
        json.dump(result, handle, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], "--deep" in sys.argv[3:], "--times" in sys.argv[3:]))
