"""The coverage-gap map (objectives × kinds, regions, cycles or coalitions), an actor's
objectives beside its peers', and who pledged on an objective."""

from dataclasses import dataclass

from django.db.models import Count
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Coalition, Region
from reviews.charts import Level, Scale
from reviews.discovery.selection import (
    Selection,
    as_query,
    carried,
    list_url,
    objectives,
    per_objective,
    query,
)
from reviews.models import (
    Need,
    ReviewCycle,
)

# --- The coverage-gap map --------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    """The columns of the coverage map: what the objectives are crossed with."""

    name: str  # the `by` value
    dimension: str  # the statistics' dimension of objective × this
    total_dimension: str  # the statistics' dimension of this alone (a pledge once)
    key: str  # the key of the dimension's rows
    param: str  # the pledge filter of one column
    label: str

    def columns(self) -> list[tuple[str, str]]:
        """(value, label) of each column, in order."""
        if self.name == "kind":
            return [(value, str(label)) for value, label in Actor.Kind.choices]
        if self.name == "region":
            return [(value, str(label)) for value, label in Region.choices]
        if self.name == "cycle":
            return list(
                ReviewCycle.objects.order_by("-starts_on", "slug").values_list("slug", "name")
            )
        return [
            (slug, short or name)
            for slug, name, short in Coalition.objects.order_by("name").values_list(
                "slug", "name", "short_name"
            )
        ]


AXES = {
    "kind": Axis(
        "kind", "coverage", "actor-kind", "actor_kind", "actor_kind", _("Stakeholder kind")
    ),
    "region": Axis("region", "coverage-region", "region", "region", "region", _("Region")),
    "cycle": Axis("cycle", "coverage-cycle", "cycle", "cycle", "cycle", _("Review cycle")),
    "coalition": Axis(
        "coalition", "coverage-coalition", "coalition", "coalition", "coalition", _("Coalition")
    ),
}


@dataclass(frozen=True)
class Cell:
    count: int
    url: str
    level: Level

    @property
    def gap(self) -> bool:
        return self.count == 0


@dataclass(frozen=True)
class Column:
    value: str
    label: str
    total: int  # pledges of the column, each once
    url: str


@dataclass(frozen=True)
class Row:
    number: int
    label: str
    url: str  # the objective's page
    cells: tuple[Cell, ...]
    total: int  # pledges on the objective, each once
    total_url: str
    # The open needs on the objective (reviews.models.needs), and the needs board of them.
    open_needs: int = 0
    needs_url: str = ""

    @property
    def gaps(self) -> int:
        return sum(cell.gap for cell in self.cells)


@dataclass(frozen=True)
class Grid:
    axis: Axis
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    scale: Scale

    @property
    def gaps(self) -> int:
        return sum(row.gaps for row in self.rows)

    @property
    def cells(self) -> int:
        return len(self.rows) * len(self.columns)

    def csv_rows(self):
        yield [gettext("Objective"), *(column.label for column in self.columns)]
        for row in self.rows:
            yield [f"{row.number}. {row.label}", *(cell.count for cell in row.cells)]


def coverage(axis: Axis, data: QueryDict) -> Grid:
    """The 23 objectives × the axis's columns, each cell the public pledges of both."""
    base = carried(data, "objective", axis.param)
    narrowed = as_query(base)
    chosen_ = Selection(narrowed)
    cells = {
        (row["objective"], row[axis.key]): row["count"] for row in chosen_.counts(axis.dimension)
    }
    objective_totals = per_objective(chosen_.counts("coverage"))
    column_totals = {row[axis.key]: row["count"] for row in chosen_.counts(axis.total_dimension)}
    columns = tuple(
        Column(
            value,
            label,
            column_totals.get(value, 0),
            list_url(base, **{axis.param: value}),
        )
        for value, label in axis.columns()
    )
    scale = Scale.up_to(max(cells.values(), default=0))
    needs = open_needs_per_objective()
    board = reverse("reviews:need-list")
    rows = []
    for objective in objectives():
        row_cells = []
        for column in columns:
            count = cells.get((objective.number, column.value), 0)
            url = list_url(base, objective=objective.number, **{axis.param: column.value})
            row_cells.append(Cell(count, url, scale.level(count)))
        rows.append(
            Row(
                number=objective.number,
                label=objective.short_label,
                url=objective.get_absolute_url(),
                cells=tuple(row_cells),
                total=objective_totals.get(objective.number, 0),
                total_url=list_url(base, objective=objective.number),
                open_needs=needs.get(objective.number, 0),
                needs_url=f"{board}?objective={objective.number}",
            )
        )
    return Grid(axis, columns, tuple(rows), scale)


def open_needs_per_objective() -> dict[int, int]:
    """How many open needs (not hidden) each objective has, by its number (one query; the map's
    filters are the pledges' and leave the needs whole: the board narrows them)."""
    on = Need.objectives.through.objects.filter(
        need__status=Need.Status.OPEN, need__is_hidden=False
    )
    return dict(
        on.values("objective__number")
        .annotate(count=Count("need_id"))
        .values_list("objective__number", "count")
    )


# --- An actor's and an objective's coverage --------------------------------------------------


@dataclass(frozen=True)
class Peer:
    """A group an actor is compared with: its own kind, or a coalition it belongs to."""

    label: str
    url: str


@dataclass(frozen=True)
class ActorRow:
    number: int
    label: str
    url: str
    own: Cell
    peers: tuple[Cell, ...]


def actor_coverage(
    actor: Actor, coalitions: list[Coalition], own_pledges: Selection | None = None
) -> tuple[list[Peer], list[ActorRow]]:
    """The objectives the actor has pledged on (as lead or confirmed partner) and those it has
    not, beside the pledges of every actor of its kind and of each of its coalitions."""
    own_pledges = own_pledges or Selection(query(actor=actor.slug))
    own = per_objective(own_pledges.counts("coverage"))
    kind = per_objective(Selection(query(actor_kind=actor.kind)).counts("coverage"))
    slugs = {coalition.slug for coalition in coalitions}
    by_coalition: dict[tuple[int, str], int] = {
        (row["objective"], row["coalition"]): row["count"]
        for row in Selection(query()).counts("coverage-coalition")
        if row["coalition"] in slugs
    }
    peers = [Peer(actor.get_kind_display(), list_url({}, actor_kind=actor.kind))]
    peers += [Peer(c.short_name or c.name, list_url({}, coalition=c.slug)) for c in coalitions]
    scale = Scale.up_to(max(own.values(), default=0))
    peer_scale = Scale.up_to(max([*kind.values(), *by_coalition.values()], default=0))
    rows = []
    for objective in objectives():
        number = objective.number
        count = own.get(number, 0)
        peer_cells = [
            Cell(
                kind.get(number, 0),
                list_url({}, objective=number, actor_kind=actor.kind),
                peer_scale.level(kind.get(number, 0)),
            )
        ]
        for coalition in coalitions:
            found = by_coalition.get((number, coalition.slug), 0)
            url = list_url({}, objective=number, coalition=coalition.slug)
            peer_cells.append(Cell(found, url, peer_scale.level(found)))
        rows.append(
            ActorRow(
                number,
                objective.short_label,
                objective.get_absolute_url(),
                Cell(count, list_url({}, objective=number, actor=actor.slug), scale.level(count)),
                tuple(peer_cells),
            )
        )
    return peers, rows


@dataclass(frozen=True)
class Group:
    label: str
    count: int
    url: str


def objective_groups(on: Selection, number: int) -> tuple[list[Group], list[Group]]:
    """Who pledged on the objective (`on` chooses its pledges): by stakeholder kind of the
    lead, and by region; every kind and region listed, a gap as 0."""
    # The pledges on it are counted under each of their objectives: this one's rows only.
    kinds = {r["actor_kind"]: r["count"] for r in on.counts("coverage") if r["objective"] == number}
    regions = {
        r["region"]: r["count"] for r in on.counts("coverage-region") if r["objective"] == number
    }
    return (
        [
            Group(str(label), kinds.get(value, 0), list_url({}, objective=number, actor_kind=value))
            for value, label in Actor.Kind.choices
        ],
        [
            Group(str(label), regions.get(value, 0), list_url({}, objective=number, region=value))
            for value, label in Region.choices
        ],
    )
