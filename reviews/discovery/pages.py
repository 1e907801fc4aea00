"""The pledges of a page: how many, the newest few, the list of all; the home page's figures of
the current cycle, and the counts of a cycle's round tables and paragraphs."""

from dataclasses import dataclass

from django.db import models
from django.db.models.functions import DenseRank
from django.urls import reverse
from django.utils.timezone import now

from actors.models import Actor
from reviews import stats
from reviews.cards import cards_of
from reviews.discovery.selection import LATEST, Selection, carried, list_url, query
from reviews.models import (
    DeclarationParagraphObjective,
    Pledge,
    ProgressUpdate,
    ReviewCycle,
    RoundTableObjective,
)

# --- The pledges of a page -------------------------------------------------------------------


@dataclass(frozen=True)
class Pledges:
    """A page's public pledges: how many, the newest few, and the list of all of them."""

    count: int
    capped: bool
    latest: list
    url: str


# The newest pledges a round table or a paragraph shows on its cycle's page.
PART_LATEST = 3


def pledges_of(selection: Selection | None = None, **params) -> Pledges:
    """The public pledges the filters choose (an objective, an actor, a cycle …), or the
    selection of them a page already has."""
    selection = selection or Selection(query(**params))
    url = list_url(carried(selection.data))
    try:
        count, capped = selection.total()
    except stats.InvalidFilter:  # an organisation not (or no longer) in the directory
        return Pledges(0, False, [], url)
    return Pledges(count, capped, selection.newest() if count else [], url)


@dataclass(frozen=True)
class Count:
    count: int
    capped: bool
    url: str


def none_of(**params) -> Pledges:
    """No public pledge, and the (empty) list the filters choose."""
    return Pledges(0, False, [], list_url({}, **params))


def _newest_per_part(through, part: str, **of_cycle) -> dict[int, list[int]]:
    """The ids of the newest few public pledges on the objectives of each part of a cycle (a
    round table, a paragraph), in the list's order: one ranked query for all the parts. The
    rank is DENSE_RANK over (published, id), so a pledge on two objectives of one part takes one
    rank on two rows, and a part never yields more than PART_LATEST pledges."""
    rows = (
        through.objects.filter(**of_cycle)
        .filter(objective__pledges__in=Pledge.objects.public())
        .annotate(
            pledge_id=models.F("objective__pledges"),
            rank=models.Window(
                DenseRank(),
                partition_by=models.F(part),
                order_by=[
                    models.F("objective__pledges__published_at").desc(nulls_last=True),
                    models.F("objective__pledges").desc(),
                ],
            ),
        )
        .filter(rank__lte=PART_LATEST)
        .values_list(part, "pledge_id", "rank")
        .order_by(part, "rank")
    )
    newest: dict[int, list[int]] = {}
    for part_id, pledge_id, _rank in rows:
        ids = newest.setdefault(part_id, [])
        if pledge_id not in ids:
            ids.append(pledge_id)
    return newest


def cycle_part_counts(cycle: ReviewCycle) -> tuple[dict[int, Pledges], dict[int, Pledges]]:
    """The public pledges on the objectives of each round table and of each Declaration
    paragraph of the cycle (as the `round_table` and `paragraph` filters choose them): how many
    and the newest few. Two grouped counts and two ranked queries, cached as the statistics
    are, and one query for the cards of all the parts, whatever the number of tables and
    paragraphs. A pledge on two objectives of one round table counts once: the one DISTINCT
    count of the portal, over the pledge–objective rows of the cycle's objectives only."""

    def compute():
        public = Pledge.objects.public()
        tables = (
            RoundTableObjective.objects.filter(round_table__cycle=cycle)
            .filter(objective__pledges__in=public)
            .values("round_table_id")
            .annotate(count=models.Count("objective__pledges", distinct=True))
            .order_by()
        )
        paragraphs = (
            DeclarationParagraphObjective.objects.filter(paragraph__cycle=cycle)
            .filter(objective__pledges__in=public)
            .values("paragraph_id")
            .annotate(count=models.Count("objective__pledges", distinct=True))
            .order_by()
        )
        return (
            {row["round_table_id"]: row["count"] for row in tables},
            {row["paragraph_id"]: row["count"] for row in paragraphs},
            _newest_per_part(RoundTableObjective, "round_table_id", round_table__cycle=cycle),
            _newest_per_part(DeclarationParagraphObjective, "paragraph_id", paragraph__cycle=cycle),
        )

    tables, paragraphs, table_newest, paragraph_newest = stats.remembered(
        stats.cache_key(f"cycle-parts-newest-{cycle.pk}", query()), compute
    )
    wanted = {pk for ids in (*table_newest.values(), *paragraph_newest.values()) for pk in ids}
    cards = {}
    if wanted:  # the cards read fresh, as Selection.newest's (their colour moves with the clock)
        found = cards_of([{"id": pk} for pk in sorted(wanted)], Pledge.objects.all().db, now())
        cards = {card.id: card for card in found}

    def part(count: int, newest: list[int], **chosen) -> Pledges:
        latest = [cards[pk] for pk in newest if pk in cards]
        return Pledges(count, False, latest, list_url({}, **chosen))

    return (
        {pk: part(n, table_newest.get(pk, []), round_table=pk) for pk, n in tables.items()},
        {pk: part(n, paragraph_newest.get(pk, []), paragraph=pk) for pk, n in paragraphs.items()},
    )


@dataclass(frozen=True)
class CycleFigures:
    pledges: Count
    objectives: int  # objectives with at least one of its pledges, of the 23
    kinds: int  # stakeholder kinds of their leads, of all the kinds
    all_kinds: int
    countries: int  # countries they concern or their leads are of
    coverage_url: str
    map_url: str
    dashboard_url: str


def cycle_figures(cycle: ReviewCycle) -> CycleFigures:
    """The cycle's numbers for the home page, from the statistics' cached counts."""
    of_cycle = Selection(query(cycle=cycle.slug))
    coverage = of_cycle.counts("coverage")
    encoded = of_cycle.data.urlencode()
    count, capped = of_cycle.total()
    return CycleFigures(
        pledges=Count(count, capped, list_url({}, cycle=cycle.slug)),
        objectives=len({row["objective"] for row in coverage}),
        kinds=len({row["actor_kind"] for row in coverage}),
        all_kinds=len(Actor.Kind.choices),
        countries=len(of_cycle.counts("country-concerned")),
        coverage_url=f"{reverse('reviews:coverage')}?{encoded}",
        map_url=f"{reverse('reviews:map')}?{encoded}",
        dashboard_url=f"{reverse('reviews:dashboard')}?{encoded}",
    )


def latest_updates(limit: int = LATEST):
    """The newest public progress reports, with their pledges and authors."""
    return list(
        ProgressUpdate.objects.public()
        .select_related("pledge", "actor")
        .only(
            "id",
            "created_at",
            "stage",
            "language",
            "narrative",
            "pledge__id",
            "pledge__title",
            "pledge__language",
            "actor__name",
            "actor__short_name",
        )
        .order_by("-created_at", "-pk")[:limit]
    )
