"""The portal's FilterSet copies its filters shallowly (portal.filters): what a request sets on
a filter, its form field or its form stays with that request."""

import django_filters
import pytest
from django.test import RequestFactory

from portal.filters import FilterSet, ListedModelChoiceField, country_choices
from reviews.filters import PledgeFilter
from reviews.models import Objective, Pledge

pytestmark = pytest.mark.django_db


def _request(path="/pledges/"):
    return RequestFactory().get(path)


def test_each_filterset_has_filters_and_fields_of_its_own():
    assert PledgeFilter.base_filters["kind"].field  # the class's filter made a field already
    first = PledgeFilter({"kind": "individual"}, queryset=Pledge.objects.all())
    second = PledgeFilter({}, queryset=Pledge.objects.all())

    first.form.fields["status"].choices = [("draft", "Draft")]

    assert second.form.fields["status"].choices != first.form.fields["status"].choices
    for name, filter_ in first.filters.items():
        assert filter_ is not second.filters[name]
        assert filter_ is not PledgeFilter.base_filters[name]
        assert filter_.parent is first and second.filters[name].parent is second
        assert filter_.field is not second.filters[name].field
        # Not the field the class's own filter may have made (a schema or a doc reading it).
        assert filter_.field is not vars(PledgeFilter.base_filters[name]).get("_field")
        assert not hasattr(PledgeFilter.base_filters[name], "parent")


def test_method_filters_call_their_own_filtersets_method():
    from tests.factories import PledgeFactory

    found = PledgeFactory(published=True, title="Remittances corridor")
    PledgeFactory(published=True, title="Something else")
    calls = []

    class Counting(PledgeFilter):
        def filter_text(self, queryset, name, value):
            calls.append(self)
            return super().filter_text(queryset, name, value)

    first = Counting({"q": "remittances"}, queryset=Pledge.objects.all())
    second = Counting({"q": "else"}, queryset=Pledge.objects.all())

    assert list(first.qs) == [found]
    assert list(second.qs) != [found]
    assert calls == [first, second]


def test_a_queryset_made_from_the_request_is_the_requests_own():
    class ByRequest(FilterSet):
        objective = django_filters.ModelChoiceFilter(
            queryset=lambda request: Objective.objects.filter(number=int(request.GET["n"]))
        )

        class Meta:
            model = Pledge
            fields = ["objective"]

    one = ByRequest({}, request=_request("/?n=1"))
    two = ByRequest({}, request=_request("/?n=2"))

    assert [o.number for o in one.form.fields["objective"].queryset] == [1]
    assert [o.number for o in two.form.fields["objective"].queryset] == [2]
    assert isinstance(one.form.fields["objective"], ListedModelChoiceField)


def test_model_choices_list_every_row_after_the_empty_choice():
    choices = list(PledgeFilter({}).form.fields["objective"].choices)

    assert choices[0] == ("", "Any objective")
    assert [str(value) for value, _ in choices[1:]] == [
        str(n) for n in Objective.objects.order_by("number").values_list("number", flat=True)
    ]


def test_country_choices_follow_the_language():
    from django.utils import translation

    with translation.override("en"):
        english = dict(country_choices())
    with translation.override("fr"):
        french = dict(country_choices())
    assert english["DE"] == "Germany"
    assert french["DE"] == "Allemagne"
