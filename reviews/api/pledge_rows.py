"""The pledge list's rows as plain values, serialised without model instances.

PledgeSerializer stays the list's contract (and its OpenAPI schema); building a model instance
per pledge, per partner and per principle to fill it was most of the list's time. Here the page
is chosen first, by a query of ids and cursor positions (filters, visibility, order); then one
query reads its rows: the pledge's columns, its lead, cycle and primary objective through joins,
and its objectives, principles and partners as lists in the same row (RelatedList), compiled
once (portal.compiled). Each value is then written by the serializer's own field, so dates,
amounts and nulls read exactly as the detail's (tests/api/test_api_fast_list.py compares the
two field by field).
"""

import datetime as dt
from functools import cache, partial

from django.db.models import F, OuterRef
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from portal.compiled import CompiledRows
from portal.expressions import RelatedList
from reviews.models import Pledge, PledgePartner
from reviews.models import freshness as reporting
from reviews.models.endorsements import active_count
from reviews.serializers import PledgeSerializer

# Columns read as they are: {output field: values() name}.
COLUMNS = {
    "id": "pk",
    "title": "title",
    "summary": "summary",
    "language": "language",
    "status": "status",
    "implementation_status": "implementation_status",
    "kind": "kind",
    "matches": "matches",
    "support": "support",
    "currency": "currency",
    "scope": "scope",
    "version": "version",
    "measurable": "measurable",
    "endorsements": "endorsement_count",
    "primary_objective": "primary_objective__number",
    "cycle": "cycle__slug",
}
# Written by the serializer's field of the same name (ISO dates in the API's time zone, decimals).
FORMATTED = [
    "amount",
    "start_date",
    "end_date",
    "created_at",
    "submitted_at",
    "published_at",
    "updated_at",
]
# Also read: for the freshness, the lead, and the cursor's positions.
EXTRA = [
    "last_reported_at",
    "lead_id",
    "lead__name",
    "lead__kind",
    "lead__country",
    "countries",
]


def _related_lists():
    """Objectives' and principles' numbers and partners, each in the order the detail has."""
    pledge = OuterRef("pk")
    objectives = Pledge.objectives.through.objects.filter(pledge=pledge)
    principles = Pledge.principles.through.objects.filter(pledge=pledge)
    partners = PledgePartner.objects.filter(pledge=pledge).order_by("actor__name", "pk")
    return {
        "objective_numbers": RelatedList(
            objectives.order_by("objective__number").values(item=F("objective__number"))
        ),
        "principle_numbers": RelatedList(
            principles.order_by("guidingprinciple__number").values(
                item=F("guidingprinciple__number")
            )
        ),
        "partner_rows": RelatedList(
            partners.values(
                item=JSONObject(
                    id="actor_id",
                    name="actor__name",
                    kind="actor__kind",
                    country="actor__country",
                    status="status",
                )
            ),
            objects=True,
        ),
    }


def values(queryset):
    """The queryset's pledges as the rows the list writes (their active endorsements counted
    in the same row)."""
    return queryset.values(
        *{*COLUMNS.values(), *FORMATTED, *EXTRA} - {"endorsement_count"},
        **_related_lists(),
        endorsement_count=active_count(),
    )


# The columns the cursor may order by (`sort`, `ordering`), read with the page's ids.
POSITIONS = ("pk", "title", "updated_at")

_ROWS = CompiledRows(Pledge, values)


def positions(queryset, annotations=()):
    """The list's queryset (filtered, in its order) reduced to the ids and the values a cursor
    takes its position from (`annotations` such as `listed_at` too): the page is chosen with
    this cheap query, and its rows read by rows_of()."""
    return queryset.values(*POSITIONS, *annotations)


def rows_of(page, using: str) -> list[dict]:
    """The rows of a page of positions(), in the page's order (one query, compiled once)."""
    found = {row["pk"]: row for row in _ROWS.fetch([item["pk"] for item in page], using)}
    return [found[item["pk"]] for item in page if item["pk"] in found]


@cache
def _fields():
    fields = PledgeSerializer().fields
    return {name: fields[name] for name in FORMATTED}


def _iso_datetime(zone, fallback, value):
    # DRF's DateTimeField.to_representation for an aware datetime in ISO 8601 (the API's
    # format), without its per-value lookups of the format and the time zone.
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        return fallback(value)
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _formatters() -> dict:
    """The writer of each formatted field for this request (its time zone is the request's)."""
    writers = {}
    for name, field in _fields().items():
        writers[name] = field.to_representation
        if isinstance(field, serializers.DateTimeField):
            output = getattr(field, "format", api_settings.DATETIME_FORMAT)
            zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
            if isinstance(output, str) and output.lower() == ISO_8601 and zone is not None:
                writers[name] = partial(_iso_datetime, zone, field.to_representation)
    return writers


def _country(code) -> str:
    return str(code or "")


def _countries(value) -> list[str]:
    # The multiple country field stores "FR,SN"; values() may give the text or the codes.
    if not value:
        return []
    codes = value.split(",") if isinstance(value, str) else value
    return [str(code) for code in codes if code]


# An id no pledge has, to make the detail's address once per page (it is then filled in).
SENTINEL_ID = 987654321


def render(rows, request, now, format_suffix=None) -> list[dict]:
    """The list's JSON objects for `rows` (from values()), in PledgeSerializer's field order.

    Addresses are the detail's, as HyperlinkedIdentityField makes them (with the list's format
    suffix, `/pledges.json` → `/pledges/1.json`)."""
    formatters = _formatters()
    kwargs = {"pk": SENTINEL_ID, **({"format": format_suffix} if format_suffix else {})}
    url_prefix, url_suffix = request.build_absolute_uri(
        reverse("api:pledge-detail", kwargs=kwargs)
    ).rsplit(str(SENTINEL_ID), 1)
    order = PledgeSerializer.Meta.fields
    items = []
    for row in rows:
        item = {name: row[column] for name, column in COLUMNS.items()}
        for name, write in formatters.items():
            value = row[name]
            item[name] = None if value is None else write(value)
        freshness = reporting.colour(
            row["status"], row["implementation_status"], row["last_reported_at"], now
        )
        item.update(
            url=f"{url_prefix}{row['pk']}{url_suffix}",
            lead={
                "id": row["lead_id"],
                "name": row["lead__name"],
                "kind": row["lead__kind"],
                "country": _country(row["lead__country"]),
            },
            partners=[
                {
                    "id": partner["id"],
                    "name": partner["name"],
                    "kind": partner["kind"],
                    "country": _country(partner["country"]),
                    "status": partner["status"],
                }
                for partner in row["partner_rows"]
            ],
            objectives=row["objective_numbers"],
            principles=row["principle_numbers"],
            countries=_countries(row["countries"]),
            freshness=freshness.value if freshness else None,
        )
        items.append({name: item[name] for name in order})
    return items
