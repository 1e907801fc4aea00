"""A number beyond any integer column in an `__in` list matches nothing, on every database."""

import pytest
from django import forms

from reviews.models import Objective, Pledge
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db

HUGE = 10**30


def test_an_out_of_range_id_in_a_list_matches_no_row(actor_a):
    pledge = PledgeFactory(lead=actor_a)

    assert list(Pledge.objects.filter(pk__in=[HUGE])) == []
    assert list(Pledge.objects.filter(pk__in=[-HUGE, pledge.pk, HUGE])) == [pledge]


def test_the_other_integer_columns_too():
    assert Objective.objects.filter(number__in=[HUGE, 7]).count() == 1
    assert not Objective.objects.filter(number__in=[str(HUGE)]).exists()


def test_a_multiple_choice_of_ids_refuses_an_out_of_range_one_as_invalid(actor_a):
    pledge = PledgeFactory(lead=actor_a)
    field = forms.ModelMultipleChoiceField(queryset=Pledge.objects.all())

    with pytest.raises(forms.ValidationError):
        field.clean([str(pledge.pk), "9" * 400])
    assert list(field.clean([str(pledge.pk)])) == [pledge]
