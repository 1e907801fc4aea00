"""What every FilterSet of the site shares, HTML lists and API alike.

django-filter reads a whole number with a DecimalField: `year=0.5` or `objective=1.5` would pass
as a filter that matches nothing, and a number beyond 64 bits reaches the database. Here integer
columns are filtered through an IntegerField bounded to what a column can hold, so such values are
a form error (400 with the parameter's name on the API). Text filters are bounded in length.
"""

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend as BaseDjangoFilterBackend

from portal.widgets import FastSelect

MIN_INTEGER, MAX_INTEGER = -(2**63), 2**63 - 1
# Words to search for: far beyond any real search, well inside what a LIKE pattern may hold
# (SQLite refuses patterns over 50,000 bytes as "too complex", which reads as a database error).
MAX_TEXT = 500


class BoundedIntegerField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_INTEGER)
        kwargs.setdefault("max_value", MAX_INTEGER)
        super().__init__(*args, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter takes decimals)."""

    field_class = BoundedIntegerField


def _integer_defaults(defaults: dict) -> dict:
    overrides = {
        field: {"filter_class": IntegerFilter}
        for field in defaults
        if isinstance(field, type) and issubclass(field, models.IntegerField)
    }
    return {**defaults, **overrides}


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, with integer columns filtered as whole numbers."""

    FILTER_DEFAULTS = _integer_defaults(django_filters.FilterSet.FILTER_DEFAULTS)

    @classmethod
    def get_filters(cls):
        # Once, when the class is made (base_filters): no shared filter changes per request.
        filters = super().get_filters()
        for text in filters.values():
            if isinstance(text, django_filters.CharFilter):
                text.extra.setdefault("max_length", MAX_TEXT)
            if type(text) in (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter):
                # The HTML lists' filter forms: the same <select>, far cheaper to render.
                text.extra.setdefault("widget", FastSelect)
        return filters


# The API lists' parameters that no FilterSet reads: the cursor pagination's and the format's.
NOT_FILTERS = frozenset({"cursor", "page_size", "format"})


class DjangoFilterBackend(BaseDjangoFilterBackend):
    """The API's filter backend: FilterSets made from `filterset_fields` use the portal's base.

    A request without any filter parameter gets the queryset as it is: the FilterSet would
    select every row of it (an empty filter filters nothing, and no FilterSet of the portal
    filters by default), and building one deep-copies every filter and form field, a tenth of
    an unfiltered list's time."""

    filterset_base = FilterSet

    def filter_queryset(self, request, queryset, view):
        if request.query_params.keys() <= NOT_FILTERS:
            return queryset
        return super().filter_queryset(request, queryset, view)
