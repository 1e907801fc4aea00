"""Filters of the actors directory (one FilterSet, shared by the HTML list and, later, the API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Region
from portal.filters import FilterSet, country_choices

# The orders the directory may be read in: `sort` value → (label, ordering); the first is the
# default (the model's own order).
ACTOR_SORTS = {
    "name": (_("Name A–Z"), ("name", "pk")),
    "kind": (_("Kind, then name"), ("kind", "name", "pk")),
    "country": (_("Country, then name"), ("country", "name", "pk")),
}


class ActorFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_name", label=_("Name or acronym"))
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, empty_label=_("Any kind"))
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label=_("Any region"))
    country = django_filters.ChoiceFilter(choices=country_choices, empty_label=_("Any country"))
    sort = django_filters.ChoiceFilter(
        choices=[(value, label) for value, (label, _ordering) in ACTOR_SORTS.items()],
        method="filter_sort",
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Actor
        fields = ["q", "kind", "region", "country", "sort"]

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*ACTOR_SORTS[value][1])

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
