"""Proposing a new organisation, accredited by an administrator."""

import pytest
from django.core import mail
from django.urls import reverse

from actors.models import Actor, Membership, Notification
from actors.models.notifications import Kind

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "name": "Migrant Workers Union of Testland",
    "short_name": "MWUT",
    "kind": "trade-union",
    "country": "GH",
    "region": "africa",
    "website": "https://mwut.example.org",
    "description": "A union of migrant workers.",
    "proposal_note": "We represent 2,000 migrant workers.",
}


def test_a_proposal_waits_hidden_until_accredited(client, verified_user):
    client.force_login(verified_user)

    response = client.post(reverse("actors:propose"), PROPOSAL)

    assert response.status_code == 302
    actor = Actor.objects.get(name=PROPOSAL["name"])
    assert actor.status == Actor.Status.PROPOSED
    assert actor.proposed_by == verified_user
    assert actor.slug == "migrant-workers-union-of-testland"
    assert actor not in Actor.objects.for_directory()
    assert not Membership.objects.filter(actor=actor).exists()


def test_a_proposal_needs_a_reason_and_keeps_what_was_typed(client, verified_user):
    client.force_login(verified_user)

    response = client.post(reverse("actors:propose"), {**PROPOSAL, "proposal_note": ""})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert PROPOSAL["description"] in response.content.decode()
    assert not Actor.objects.filter(name=PROPOSAL["name"]).exists()


def test_a_proposal_with_an_existing_name_is_a_form_error(client, verified_user):
    client.force_login(verified_user)

    response = client.post(
        reverse("actors:propose"), {**PROPOSAL, "name": "International Organization for Migration"}
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_accrediting_in_the_admin_makes_the_proposer_focal_point(
    client, verified_user, administrator
):
    client.force_login(verified_user)
    client.post(reverse("actors:propose"), PROPOSAL)
    actor = Actor.objects.get(name=PROPOSAL["name"])
    client.force_login(administrator)

    response = client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "accredit", "_selected_action": [actor.pk]},
    )

    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.status == Actor.Status.ACCREDITED
    assert Membership.objects.get(actor=actor).user == verified_user
    assert Membership.objects.get(actor=actor).role == Membership.Role.FOCAL_POINT
    told = Notification.objects.get()
    assert (told.user, told.kind, told.url) == (
        verified_user,
        Kind.MEMBERSHIP,
        actor.get_absolute_url(),
    )
    assert [m.to for m in mail.outbox] == [[verified_user.email]]
    assert mail.outbox[0].subject.endswith(f"{actor.name} is accredited")
    assert actor in Actor.objects.for_directory()


def test_admin_cannot_set_the_status_by_hand(client, administrator):
    client.force_login(administrator)
    actor = Actor.objects.get(slug="iom")

    response = client.get(reverse("admin:actors_actor_change", args=[actor.pk]))

    assert 'name="status"' not in response.content.decode()


def test_moderators_see_proposals_awaiting_accreditation(client, moderator, verified_user):
    Actor.objects.create(
        name="Awaiting Org",
        slug="awaiting-org",
        kind="youth",
        status="proposed",
        proposed_by=verified_user,
        proposal_note="Please",
    )
    client.force_login(moderator)

    response = client.get(reverse("reviews:moderation"))

    assert "Awaiting Org" in response.content.decode()
