"""The pledge list's cards (reviews.cards) show what the pledge's own model says."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Objective, Pledge
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def test_a_card_shows_the_pledge_as_its_model_does(client):
    objectives = list(Objective.objects.filter(number__in=[4, 17]).order_by("number"))
    pledge = PledgeFactory(published=True, objectives=objectives, kind=Pledge.Kind.JOINT)
    withdrawn = PledgeFactory(published=True, cycle=None)
    Pledge.objects.filter(pk=withdrawn.pk).update(status=Pledge.Status.WITHDRAWN)
    withdrawn.refresh_from_db()

    response = client.get(reverse("reviews:pledge-list"))

    cards = {card.pk: card for card in response.context["page"]}
    card = cards[pledge.pk]
    assert card.url == pledge.get_absolute_url()
    assert (card.title, card.summary) == (pledge.title, pledge.summary)
    assert card.kind == pledge.get_kind_display()
    assert card.implementation_status == pledge.get_implementation_status_display()
    assert (card.lead_name, card.lead_kind) == (pledge.lead.name, pledge.lead.get_kind_display())
    assert card.cycle_name == pledge.cycle.name
    assert [(o.number, o.url) for o in card.objectives] == [
        (o.number, o.get_absolute_url()) for o in objectives
    ]
    annotated = Pledge.objects.with_freshness(timezone.now()).get(pk=pledge.pk).freshness
    assert card.freshness == annotated
    assert cards[withdrawn.pk].cycle_name is None
    assert cards[withdrawn.pk].freshness is None
    html = response.content.decode()
    assert f'<a href="{pledge.get_absolute_url()}">{pledge.title}</a>' in html
    assert '<span class="badge badge-withdrawn">Withdrawn</span>' in html
