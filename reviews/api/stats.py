"""Reporting aggregates: the public pledges counted along one dimension.

The set is the pledge list's and the exports' (published and withdrawn pledges), filtered by the
same FilterSet, so a count here equals the number of rows of the matching export.
"""

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django_filters import ChoiceFilter, ModelChoiceFilter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import AutoSchema
from reviews.filters import PledgeFilter
from reviews.models import (
    Pledge,
)


def _filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """The query parameters of a FilterSet, for the schema of a view that is not a list."""
    parameters = []
    for name, field in filterset_class.base_filters.items():
        kind, enum = OpenApiTypes.STR, None
        if isinstance(field, ModelChoiceFilter) and field.extra.get("to_field_name") == "number":
            kind = OpenApiTypes.INT
        elif isinstance(field, ChoiceFilter) and not isinstance(field, ModelChoiceFilter):
            choices = list(field.extra["choices"])
            # Short lists become an enum; the 250 countries stay a string (a two-letter code).
            enum = [value for value, _ in choices] if len(choices) <= 30 else None
        description = ". ".join(
            str(text) for text in (field.label, field.extra.get("help_text")) if text
        )
        parameters.append(OpenApiParameter(name, kind, enum=enum, description=description))
    return parameters


STATS_RESPONSE = inline_serializer(
    "Stats",
    {
        "dimension": serializers.CharField(),
        "results": serializers.ListField(
            child=serializers.DictField(),
            help_text="One row per group: the dimension's keys and `count`.",
        ),
    },
)


STATS_DESCRIPTION = (
    "Public pledges (published, and withdrawn ones, which stay visible) counted along one "
    "dimension, in one SQL query. The filters are the pledge list's: a count equals the number of "
    "rows of `/exports/pledges.csv` with the same filters. Add `status=published` or "
    "`status=withdrawn` to count one of them. Only published pledges still under way (planned or "
    "in progress) have a reporting freshness: on `freshness/`, withdrawn, completed and "
    "discontinued pledges are the group `null`, and the `freshness` filter leaves them out. "
    "`coverage/` counts a pledge once per objective; the others count it once."
)


class StatsView(APIView):
    """Public pledges counted one way, in one SQL query, filtered like the pledge list."""

    permission_classes = [AllowAny]
    schema = AutoSchema()
    dimension = ""
    groups: dict = {}

    def get_queryset(self):
        pledge_filter = PledgeFilter(self.request.GET, queryset=Pledge.objects.public())
        if not pledge_filter.is_valid():
            raise ValidationError(pledge_filter.errors)
        # Group the chosen pledges in a query of their own (a subquery: still one SQL query),
        # or a filter on objectives would also narrow the objectives they are counted under.
        return Pledge.objects.filter(pk__in=pledge_filter.qs.values("pk"))

    @extend_schema(
        description=STATS_DESCRIPTION,
        parameters=_filter_parameters(PledgeFilter),
        responses={200: STATS_RESPONSE},
    )
    def get(self, request):
        queryset = self.get_queryset()
        if self.dimension == "freshness":
            queryset = queryset.with_freshness()
        if self.dimension == "month":
            queryset = queryset.annotate(month=TruncMonth("published_at"))
        keys = list(self.groups)
        rows = (
            queryset.order_by()
            .values(*self.groups.values())
            .annotate(count=Count("pk", distinct=True))
            .order_by(*self.groups.values())
        )
        results = [
            {key: _plain(row[field]) for key, field in zip(keys, self.groups.values(), strict=True)}
            | {"count": row["count"]}
            for row in rows
        ]
        return Response({"dimension": self.dimension, "results": results})


def _plain(value):
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()[:7]
    return value


STATS = {
    "coverage": {"objective": "objectives__number", "actor_kind": "lead__kind"},
    "region": {"region": "lead__region"},
    "country": {"country": "lead__country"},
    "cycle": {"cycle": "cycle__slug"},
    "month": {"month": "month"},
    "implementation-status": {"implementation_status": "implementation_status"},
    "freshness": {"freshness": "freshness"},
}


def stats_views():
    return {
        name: StatsView.as_view(dimension=name, groups=groups) for name, groups in STATS.items()
    }
