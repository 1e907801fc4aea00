"""The pledge list's cards as plain values, read without model instances.

The list is chosen and paged as before (PledgeFilter, keyset pages), on a queryset reduced to
the ids and the values its orders page by (positions()); the cards of the page are then read by
one query compiled once (portal.compiled): the card's columns, the lead's and the cycle's names
and the objectives' numbers as a list. Building a pledge, its lead, its cycle and its objectives
as model instances, and calling their methods from the template, was a third of the page.
Labels are the choices' own (as get_FOO_display gives them, in the reader's language) and the
freshness is the model's rule (reviews.models.freshness.colour) at the time of the request.
"""

from dataclasses import dataclass

from django.db.models import F, OuterRef

from actors.models import Actor
from portal.addresses import address
from portal.compiled import CompiledRows
from portal.expressions import RelatedList
from reviews.models import Pledge
from reviews.models import freshness as reporting
from reviews.templatetags.written import lang_attrs

# Every column an order of the list (PLEDGE_SORTS) pages by, by its attname (the page keys).
POSITIONS = ("id", "published_at", "title", "updated_at")


def positions(queryset):
    """The selection (filtered, ordered, ranked) as the ids and positions of its rows."""
    return queryset.values(*POSITIONS)


def _values(queryset):
    objectives = Pledge.objectives.through.objects.filter(pledge=OuterRef("pk"))
    return queryset.values(
        "id",
        "title",
        "summary",
        "language",
        "kind",
        "status",
        "implementation_status",
        "last_reported_at",
        "lead__name",
        "lead__kind",
        "cycle__name",
        objective_numbers=RelatedList(
            objectives.order_by("objective__number").values(item=F("objective__number"))
        ),
    )


_ROWS = CompiledRows(Pledge, _values)


@dataclass(frozen=True)
class Objective:
    number: int
    url: str


@dataclass(frozen=True)
class Card:
    """What a pledge card shows."""

    id: int
    url: str
    title: str
    summary: str
    lang_attrs: str  # the `lang` and `dir` of the title and summary (reviews.templatetags)
    status: str
    kind: str
    implementation_status: str
    freshness: str | None
    lead_name: str
    lead_kind: str
    cycle_name: str | None
    objectives: tuple[Objective, ...]

    @property
    def pk(self) -> int:
        return self.id


def _label(choices, value) -> str:
    # As get_FOO_display(): the choice's label (translated now), or the value itself when it is
    # not a choice.
    label = choices.get(value, value)
    return label if label is None else str(label)


def cards_of(page, using: str, now) -> list[Card]:
    """The cards of a page of positions(), in the page's order."""
    found = {row["id"]: row for row in _ROWS.fetch([item["id"] for item in page], using)}
    kinds, stages = dict(Pledge.Kind.choices), dict(Pledge.ImplementationStatus.choices)
    actor_kinds = dict(Actor.Kind.choices)
    cards = []
    cuts = reporting.cutoffs(now)  # once for the page (it asks whether a round is open)
    for item in page:
        row = found.get(item["id"])
        if row is None:  # gone between the two queries
            continue
        colour = reporting.colour(
            row["status"], row["implementation_status"], row["last_reported_at"], cuts=cuts
        )
        cards.append(
            Card(
                id=row["id"],
                url=address("reviews:pledge-detail", row["id"]),
                title=row["title"],
                summary=row["summary"],
                lang_attrs=lang_attrs(row["language"]),
                status=row["status"],
                kind=_label(kinds, row["kind"]),
                implementation_status=_label(stages, row["implementation_status"]),
                freshness=colour.value if colour else None,
                lead_name=row["lead__name"],
                lead_kind=_label(actor_kinds, row["lead__kind"]),
                cycle_name=row["cycle__name"],
                objectives=tuple(
                    Objective(number, address("reviews:objective-detail", number))
                    for number in row["objective_numbers"]
                ),
            )
        )
    return cards
