"""Filters of the actors directory (one FilterSet, shared by the HTML list and, later, the API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Region
from portal.filters import FilterSet, country_choices


class ActorFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_name", label=_("Name or acronym"))
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, empty_label=_("Any kind"))
    region = django_filters.ChoiceFilter(choices=Region.choices, empty_label=_("Any region"))
    country = django_filters.ChoiceFilter(choices=country_choices, empty_label=_("Any country"))

    class Meta:
        model = Actor
        fields = ["q", "kind", "region", "country"]

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
