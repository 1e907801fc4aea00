"""What every FilterSet of the site shares, HTML lists and API alike.

django-filter reads a whole number with a DecimalField: `year=0.5` or `objective=1.5` would pass
as a filter that matches nothing, and a number beyond 64 bits reaches the database. Here integer
columns are filtered through an IntegerField bounded to what a column can hold, so such values are
a form error (400 with the parameter's name on the API). Text filters are bounded in length.
"""

import copy
import functools

import django_filters
from django import forms
from django.db import models
from django.http import QueryDict
from django.utils import translation
from django_countries import countries
from django_filters.fields import ModelChoiceField, ModelChoiceIterator
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


class ListedModelChoiceIterator(ModelChoiceIterator):
    """The choices of a model choice filter read with one plain query. Django reads them with
    iterator(), to spare memory on long lists: on PostgreSQL a server-side cursor, three round
    trips (DECLARE, FETCH, CLOSE) for each of the pledge list's short reference lists."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ListedModelChoiceField(ModelChoiceField):
    iterator = ListedModelChoiceIterator


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, with integer columns filtered as whole numbers."""

    FILTER_DEFAULTS = _integer_defaults(django_filters.FilterSet.FILTER_DEFAULTS)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's BaseFilterSet.__init__, with each filter copied shallowly instead of
        # deeply: a filter's per-request state is its model, its parent, the form field it
        # makes (never shared: a queryset may depend on the request) and the FilterMethod that
        # calls its parent's `method`, all set on the copy. The deep copy of every filter with
        # its choices and querysets was a tenth of the pledge list's time.
        # (tests/portal/test_filters.py holds django-filter to this.)
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            vars(filter_).pop("_field", None)
            if filter_.method is not None:
                filter_.method = filter_.method  # a FilterMethod of the copy, not of the base
            filter_.model = queryset.model
            filter_.parent = self
            self.filters[name] = filter_

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
            if type(text) is django_filters.ModelChoiceFilter:
                text.field_class = ListedModelChoiceField
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


@functools.cache
def _countries_in(language: str | None) -> list[tuple[str, str]]:
    return list(countries)


def country_choices() -> list[tuple[str, str]]:
    """The countries as choices, named and sorted in the active language, made once per
    language: django-countries translates and sorts its 250 names on every iteration, which
    was a fifth of the pledge list's time (a filter form iterates them to render and to
    validate)."""
    return _countries_in(translation.get_language())


def choices_of(choice_filter) -> list:
    """A ChoiceFilter's choices as a list (they may be given as a callable, as the countries)."""
    choices = choice_filter.extra["choices"]
    return list(choices() if callable(choices) else choices)
