"""Repeated actions name what they act on: a screen reader listing a page's buttons hears
"Approve the request of Ama Asker", not "Approve, Approve, Approve"."""

import pytest
from django.urls import reverse

from actors.models import ApiToken, JoinRequest, Membership, Notification
from tests.factories import MembershipFactory, VerifiedUserFactory
from tests.html import button_names, repeated_names

pytestmark = pytest.mark.django_db


def test_join_request_decisions_name_the_person(client, focal_a, actor_a):
    for name in ("Ama Asker", "Ben Asker"):
        JoinRequest.objects.create(user=VerifiedUserFactory(display_name=name), actor=actor_a)
    client.force_login(focal_a)

    response = client.get(reverse("actors:join-requests", args=[actor_a.slug]))

    assert repeated_names(response) == []
    assert "Approve the request of Ama Asker" in button_names(response)


def test_member_actions_name_the_member(client, focal_a, actor_a):
    for name in ("Ama Member", "Ben Member"):
        MembershipFactory(
            actor=actor_a,
            user=VerifiedUserFactory(display_name=name),
            role=Membership.Role.CONTRIBUTOR,
        )
    client.force_login(focal_a)

    assert repeated_names(client.get(reverse("actors:members", args=[actor_a.slug]))) == []


def test_notification_and_token_actions_name_their_item(client, verified_user):
    for title in ("First news", "Second news"):
        Notification.objects.create(user=verified_user, kind="reply", title=title, url="/")
    for name in ("Reporting", "Statistics"):
        ApiToken.objects.create_for(user=verified_user, name=name)
    client.force_login(verified_user)

    assert repeated_names(client.get(reverse("actors:notifications"))) == []
    assert repeated_names(client.get(reverse("actors:api-tokens"))) == []
