"""Reporting aggregates: the public pledges counted along one dimension.

The set is the pledge list's and the exports' (published and withdrawn pledges), filtered by the
same FilterSet, so a count here equals the number of rows of the matching export. The queries
and their cache are reviews.stats; this is the HTTP side.
"""

from django.utils.cache import patch_cache_control
from django.utils.text import format_lazy
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
from portal.filters import choices_of
from reviews import stats
from reviews.filters import PledgeFilter

# Seconds a browser or a shared cache may keep an anonymous answer.
PUBLIC_MAX_AGE = 60


def filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """The query parameters of a FilterSet, for the schema of a view that is not a list."""
    parameters = []
    for name, field in filterset_class.base_filters.items():
        kind, enum = OpenApiTypes.STR, None
        if isinstance(field, ModelChoiceFilter) and field.extra.get("to_field_name") in (
            "number",
            "pk",
        ):
            kind = OpenApiTypes.INT
        elif isinstance(field, ChoiceFilter) and not isinstance(field, ModelChoiceFilter):
            choices = choices_of(field)
            # Short lists become an enum; the 250 countries stay a string (a two-letter code).
            enum = [value for value, _ in choices] if len(choices) <= 30 else None
        # Lazy: the schema is written in the language of the request that asks for it.
        texts = [text for text in (field.label, field.extra.get("help_text")) if text]
        description = format_lazy(". ".join(["{}"] * len(texts)), *texts)
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
    "`coverage/` (objective × stakeholder kind of the lead), `coverage-region/`, `coverage-cycle/` "
    "and `coverage-coalition/` (a lead in several coalitions counts in each) count a pledge once "
    "per objective; the others count it once. `currency/` counts the financial pledges that "
    "announce an amount, with `amount`, the sum of their amounts, per currency. Answers are "
    "cached per filter until a pledge they count changes (a freshness answer at most a minute); "
    "anonymous answers carry `Cache-Control: public, max-age=60`."
)


class StatsView(APIView):
    """Public pledges counted one way (reviews.stats), filtered like the pledge list."""

    permission_classes = [AllowAny]
    schema = AutoSchema()
    dimension = ""

    @extend_schema(
        description=STATS_DESCRIPTION,
        parameters=filter_parameters(PledgeFilter),
        responses={200: STATS_RESPONSE},
    )
    def get(self, request):
        try:
            results = stats.counts(self.dimension, request.GET)
        except stats.InvalidFilter as error:
            raise ValidationError(error.errors) from None
        response = Response({"dimension": self.dimension, "results": results})
        if not request.user.is_authenticated:
            # Anyone's answer is the same and nobody changes pledges anonymously, so a shared
            # cache may keep it a minute; a signed-in reader, who may just have published a
            # pledge, always asks again (the server's cache is never stale after a write).
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response


# The endpoints, one per dimension.
STATS = stats.DIMENSIONS


def stats_views():
    return {name: StatsView.as_view(dimension=name) for name in STATS}
