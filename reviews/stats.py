"""Statistics of the public pledges: one grouped query per dimension, cached per filter; and
the pledge list's bounded count of its selection, cached alike (`total`).

The set is the pledge list's and the exports' (published and withdrawn pledges) filtered by the
same FilterSet, so a count equals the number of rows of the matching export.

Each count is one grouped `COUNT(*)` over rows that are unique per thing counted, so it needs
no `COUNT(DISTINCT …)` (which sorted a 195k-row join on disk at 100k pledges): the filtered
pledges themselves, or for coverage the pledge–objective rows, unique per pair, of the filtered
pledges.

Answers are cached per dimension and filter under a generation token that every write a count
depends on replaces (`invalidate()`, from the receivers below). An entry remembers the token it
was computed under and is served only while that token is current, so no answer outlives a
change; the token is a fresh random value rather than `cache.incr`, which the database cache does
not make atomic (two writes could then leave one token for two states).
"""

import hashlib
import json
import secrets
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import m2m_changed, post_delete, post_save

from actors.models import Coalition, CoalitionMembership
from reviews.filters import PledgeFilter
from reviews.models import Pledge

# dimension → {key in the answer: the field of a pledge it groups by}. Coverage counts a pledge
# once per objective; the others count it once.
DIMENSIONS = {
    "coverage": {"objective": "objectives__number", "actor_kind": "lead__kind"},
    "coverage-region": {"objective": "objectives__number", "region": "lead__region"},
    "coverage-cycle": {"objective": "objectives__number", "cycle": "cycle__slug"},
    # Grouped by coalition through `lead_id IN (members)` per coalition (`_by_coalition()`).
    "coverage-coalition": {"objective": "objectives__number", "coalition": None},
    "actor-kind": {"actor_kind": "lead__kind"},
    "region": {"region": "lead__region"},
    "country": {"country": "lead__country"},
    # A pledge once under each coalition of its lead (`_by_coalition()`).
    "coalition": {"coalition": None},
    # Each country the pledge concerns or its lead is of, once: the `country` filter's rule
    # (`_by_country_concerned()`).
    "country-concerned": {"country": None},
    "cycle": {"cycle": "cycle__slug"},
    "month": {"month": "month"},
    "implementation-status": {"implementation_status": "implementation_status"},
    "freshness": {"freshness": "freshness"},
    # Measurable or not: at least one indicator with a baseline and a target (Pledge.measurable).
    "measurable": {"measurable": "measurable"},
    # Financial pledges that announce an amount: how many, and the amounts' sum, per currency.
    "currency": {"currency": "currency"},
}
# The dimensions that count a pledge once per objective.
PER_OBJECTIVE = frozenset(name for name, groups in DIMENSIONS.items() if "objective" in groups)

VERSION_KEY = "stats:version"
# Answers stay until a write replaces the token; the timeout only lets unread filters go.
CACHE_SECONDS = 60 * 60
# A freshness colour moves with the clock, not with a write: such answers live a minute at most.
FRESHNESS_SECONDS = 60


class InvalidFilter(Exception):
    """The filter parameters do not validate; `errors` is the FilterSet's, field by field."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def selection(data) -> QuerySet:
    """The public pledges the filter parameters choose."""
    pledge_filter = PledgeFilter(data, queryset=Pledge.objects.public())
    if not pledge_filter.is_valid():
        raise InvalidFilter(pledge_filter.errors)
    return pledge_filter.qs.order_by()


def count(dimension: str, pledges: QuerySet) -> list[dict]:
    """The chosen pledges counted along one dimension, in one grouped SQL query.

    Every filter pins at most one row of a to-many relation (one objective, one principle), so
    the chosen pledges are one row each and are grouped as they are. Coverage joins them to
    their pledge–objective rows, unique per pair; when a filter already joined those rows (to
    choose an objective) a second join would be narrowed by it, so the chosen pledges are then
    a subquery (`IN`, a semi-join) of the pledge–objective rows instead.
    """
    groups = DIMENSIONS[dimension]
    rows = pledges
    if dimension in PER_OBJECTIVE:
        through = Pledge.objectives.through
        if through._meta.db_table in {join.table_name for join in pledges.query.alias_map.values()}:
            # The fields as seen from a pledge–objective row.
            groups = {key: _from_through(field) for key, field in groups.items()}
            rows = through.objects.filter(pledge_id__in=pledges.values("pk"))
        else:
            # An inner join: a pledge without objectives is in no group.
            rows = pledges.filter(objectives__isnull=False)
    if "coalition" in groups:
        lead = "lead_id" if rows.model is Pledge else "pledge__lead_id"
        return _by_coalition(rows, groups.get("objective"), lead)
    if dimension == "country-concerned":
        return _by_country_concerned(rows)
    if dimension == "freshness":
        rows = rows.with_freshness()
    if dimension == "month":
        rows = rows.annotate(month=TruncMonth("published_at"))
    aggregates = {"count": Count("*")}
    if dimension == "currency":
        rows = rows.filter(support=Pledge.Support.FINANCIAL, amount__isnull=False).exclude(
            currency=""
        )
        aggregates["amount"] = Sum("amount")
    rows = (
        rows.order_by().values(*groups.values()).annotate(**aggregates).order_by(*groups.values())
    )
    return [
        {key: _plain(row[field]) for key, field in groups.items()}
        | {name: _plain(row[name]) for name in aggregates}
        for row in rows
    ]


def _from_through(field: str | None) -> str | None:
    """A pledge's field as seen from one of its pledge–objective rows."""
    if field is None:
        return None
    if field.startswith("objectives__"):
        return field.replace("objectives__", "objective__", 1)
    return f"pledge__{field}"


def _by_coalition(rows: QuerySet, objective: str | None, lead: str) -> list[dict]:
    """Rows (pledges, or pledge–objective rows per `objective`) counted per coalition of the
    lead, in one query: one filtered count per coalition, `lead IN (its members)`, so that a
    member holding two roles in a coalition counts once, where a join to the memberships would
    count it twice."""
    coalitions = list(Coalition.objects.order_by("slug").values_list("pk", "slug"))
    if not coalitions:
        return []
    counts = {
        f"coalition_{pk}": Count("pk", filter=Q(**{f"{lead}__in": _members(pk)}))
        for pk, _slug in coalitions
    }
    if objective is None:
        grouped = [rows.order_by().aggregate(**counts)]
    else:
        grouped = rows.order_by().values(objective).annotate(**counts).order_by(objective)
    return [
        ({"objective": row[objective]} if objective else {})
        | {"coalition": slug, "count": row[f"coalition_{pk}"]}
        for row in grouped
        for pk, slug in coalitions
        if row[f"coalition_{pk}"]
    ]


def _by_country_concerned(pledges: QuerySet) -> list[dict]:
    """Pledges counted once under each country they concern or their lead is of: what the
    `country` filter chooses, country by country.

    The countries concerned are one text column ("FR,SN"), which SQL cannot group portably:
    one grouped query counts the pledges per distinct pair of that column and the lead's
    country (far fewer pairs than pledges), and the pairs are split and added up here."""
    counts: dict[str, int] = {}
    pairs = (
        pledges.order_by()
        .values_list("countries", "lead__country")
        .annotate(count=Count("*"))
        .order_by()
    )
    for concerned, lead_country, found in pairs:
        for code in {*filter(None, (concerned or "").split(",")), *filter(None, [lead_country])}:
            counts[code] = counts.get(code, 0) + found
    return [{"country": code, "count": counts[code]} for code in sorted(counts)]


def _members(coalition_id: int) -> QuerySet:
    return CoalitionMembership.objects.filter(coalition_id=coalition_id).values("actor_id")


def _plain(value):
    """A month as "2026-05", an amount as its decimal string; other keys as they are."""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()[:7]
    if isinstance(value, Decimal):
        return str(value)
    return value


def cache_key(answer: str, data) -> str:
    """The endpoint and its filter parameters, normalised: only the FilterSet's own, in a fixed
    order, an empty value as none. Values stay as given: only an answer to parameters that
    validated is ever stored, so a key names valid parameters or nothing."""
    params = {}
    for name in sorted(PledgeFilter.base_filters):
        values = data.getlist(name)
        if any(values):
            params[name] = values
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()
    return f"stats:{answer}:{digest}"


def counts(dimension: str, data, pledges=None) -> list[dict]:
    """`count()` of the pledges the parameters choose, from the cache when no write has
    changed them since (one cache read), else computed and stored. `pledges` is their
    selection when the caller has it (a queryset, or a function that gives it only when a
    count must be made: a page asking for several counts validates its filters once, and not
    at all when every count is cached)."""
    return _cached(dimension, data, lambda: count(dimension, _chosen(data, pledges)))


def _chosen(data, pledges) -> QuerySet:
    if pledges is None:
        return selection(data)
    return pledges() if callable(pledges) else pledges


def total(data, limit: int, pledges=None) -> tuple[int, bool]:
    """How many public pledges the parameters choose, counted up to `limit` (the pledge list's
    count: `(limit, True)` means "at least that many"), cached as the counts are. `pledges` is
    their selection when the caller has it already, as for `counts()`."""

    def compute() -> int:
        return _chosen(data, pledges).order_by()[:limit].count()

    found = _cached(f"total-{limit}", data, compute)
    return found, found >= limit


def _cached(name: str, data, compute):
    clock = name == "freshness" or bool(data.get("freshness"))
    return remembered(cache_key(name, data), compute, FRESHNESS_SECONDS if clock else CACHE_SECONDS)


def remembered(key: str, compute, seconds: int = CACHE_SECONDS):
    """compute()'s answer, from the cache while no write a count depends on (the receivers
    below: pledges, actors, objectives, principles, cycles, partnerships) has replaced the token
    since it was stored, and for `seconds` at most; else computed and stored."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    entry = found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        cache.add(VERSION_KEY, _token(), timeout=None)
        version = cache.get(VERSION_KEY)
    # The token is read before the answer: a write that commits meanwhile replaces it, so this
    # answer, stored under the old one, is never served.
    results = compute()
    cache.set(key, (version, results), seconds)
    return results


def _token() -> int:
    return secrets.randbits(62)


def invalidate() -> None:
    """Retire every cached answer: the next request of each filter counts again."""
    cache.set(VERSION_KEY, _token(), timeout=None)


def _changed(sender, **kwargs) -> None:
    """A row a count depends on changed: retire the answers once the change commits.

    Then and not at once: until the commit, other readers count the rows before it, and an
    answer they store meanwhile is retired with the rest. (Replacing the token inside the
    transaction would also, on the database cache, lock the token's row until the commit and
    make every pledge write wait for the one before.)
    """
    if kwargs.get("action", "post_").startswith("post_"):
        transaction.on_commit(invalidate)


def connect() -> None:
    """Receive every write of what a count reads or a filter validates against.

    Receivers and not calls in the services, because the admin, the forms, the services of two
    apps and `load_reference` all write these rows, and one place must see them all. They do no
    workflow (STYLE 6): they only retire a cache.
    """
    from actors.models import Actor
    from reviews.models import (
        DeclarationParagraph,
        DeclarationParagraphObjective,
        Endorsement,
        ExpectedResult,
        GuidingPrinciple,
        Indicator,
        Objective,
        PledgePartner,
        ReportingRound,
        ReviewCycle,
        RoundTable,
        RoundTableObjective,
    )

    # Partnerships: the API's pledge list, kept as the counts are, shows each pledge's partners
    # (and the `actor` filter reads them). Coalitions and their members: `coalition`. Round
    # tables, paragraphs and their objectives: `round_table`, `paragraph` and their counts.
    models = (
        Pledge,
        Actor,
        Objective,
        GuidingPrinciple,
        ReviewCycle,
        PledgePartner,
        Coalition,
        CoalitionMembership,
        RoundTable,
        RoundTableObjective,
        DeclarationParagraph,
        DeclarationParagraphObjective,
        # A pledge's indicators set its `measurable` flag (by an update that sends no signal).
        ExpectedResult,
        Indicator,
        # An open round makes the pledges that have not reported in it due (freshness).
        ReportingRound,
        # The API's pledge list shows how many organisations endorse each pledge.
        Endorsement,
    )
    for model in models:
        post_save.connect(_changed, sender=model, dispatch_uid=f"stats-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"stats-delete-{model.__name__}")
    for relation in (Pledge.objectives, Pledge.principles):
        m2m_changed.connect(
            _changed, sender=relation.through, dispatch_uid=f"stats-{relation.field.name}"
        )
