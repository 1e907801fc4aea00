"""Joining an organisation: request, decision by a focal point, the right people notified."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from actors import services
from actors.models import JoinRequest, Membership, Notification
from actors.models.notifications import Kind
from tests.factories import MembershipFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def test_a_user_asks_to_join_and_the_focal_points_are_told(client, verified_user, focal_a, actor_a):
    other_focal = MembershipFactory(actor=actor_a, role=Membership.Role.FOCAL_POINT).user
    MembershipFactory(actor=actor_a, role=Membership.Role.CONTRIBUTOR)
    client.force_login(verified_user)

    response = client.post(
        reverse("actors:join", args=[actor_a.slug]), {"message": "I lead our youth work."}
    )

    assert response.status_code == 302
    join_request = JoinRequest.objects.get(user=verified_user, actor=actor_a)
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.message == "I lead our youth work."
    told = Notification.objects.all()
    assert {n.user for n in told} == {focal_a, other_focal}
    assert {n.kind for n in told} == {Kind.JOIN_REQUEST}
    assert told[0].url == reverse("actors:join-requests", args=[actor_a.slug])
    assert "Their message: I lead our youth work." in told[0].body
    assert sorted(m.to[0] for m in mail.outbox) == sorted([focal_a.email, other_focal.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert "I lead our youth work." in mail.outbox[0].body
    assert reverse("actors:join-requests", args=[actor_a.slug]) in mail.outbox[0].body
    assert verified_user.email not in mail.outbox[0].body


def test_asking_twice_shows_the_pending_request_instead_of_a_second_one(
    client, verified_user, actor_a
):
    client.force_login(verified_user)
    client.post(reverse("actors:join", args=[actor_a.slug]), {"message": "First"})

    response = client.post(reverse("actors:join", args=[actor_a.slug]), {"message": "Second"})

    assert response.status_code == 200
    assert "You asked to join on" in response.content.decode()
    assert JoinRequest.objects.filter(user=verified_user, actor=actor_a).count() == 1


def test_a_too_long_message_is_a_form_error_and_is_kept(client, verified_user, actor_a):
    client.force_login(verified_user)
    message = "x" * 2001

    response = client.post(reverse("actors:join", args=[actor_a.slug]), {"message": message})

    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    assert message in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_focal_point_approves_as_contributor_and_the_requester_can_act(
    client, focal_a, verified_user, actor_a
):
    join_request = JoinRequest.objects.create(user=verified_user, actor=actor_a)
    client.force_login(focal_a)

    response = client.post(
        reverse("actors:join-request-decide", args=[actor_a.slug, join_request.pk, "approve"]),
        {"role": "contributor"},
    )

    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == focal_a
    assert Membership.objects.get(user=verified_user, actor=actor_a).role == "contributor"
    told = Notification.objects.get()
    assert (told.user, told.kind) == (verified_user, Kind.MEMBERSHIP)
    assert told.url == reverse("actors:my-organisations")
    assert [m.to for m in mail.outbox] == [[verified_user.email]]
    assert "you are now its contributor" in mail.outbox[0].body


def test_refusing_needs_a_reason_and_keeps_the_request_pending_without_one(
    client, focal_a, verified_user, actor_a
):
    join_request = JoinRequest.objects.create(user=verified_user, actor=actor_a)
    client.force_login(focal_a)
    url = reverse("actors:join-request-decide", args=[actor_a.slug, join_request.pk, "refuse"])

    blank = client.post(url, {"reason": "   "})
    refused = client.post(url, {"reason": "We do not know you."})

    assert blank.status_code == 400
    assert refused.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REFUSED
    assert join_request.reason == "We do not know you."
    assert not Membership.objects.filter(user=verified_user, actor=actor_a).exists()
    told = Notification.objects.get()
    assert (told.user, told.kind) == (verified_user, Kind.MEMBERSHIP)
    assert told.body == "The reason given: We do not know you."
    assert [m.to for m in mail.outbox] == [[verified_user.email]]
    assert "We do not know you." in mail.outbox[0].body


def test_a_decided_request_cannot_be_decided_again(focal_a, verified_user, actor_a):
    join_request = JoinRequest.objects.create(user=verified_user, actor=actor_a)
    services.join_request_refuse(join_request=join_request, by=focal_a, reason="No")

    with pytest.raises(ValidationError, match="already been decided"):
        services.join_request_approve(join_request=join_request, by=focal_a, role="contributor")
    assert not Membership.objects.filter(user=verified_user, actor=actor_a).exists()


def test_approving_with_an_unknown_role_is_refused(focal_a, verified_user, actor_a):
    join_request = JoinRequest.objects.create(user=verified_user, actor=actor_a)

    with pytest.raises(ValidationError):
        services.join_request_approve(join_request=join_request, by=focal_a, role="owner")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_the_last_focal_point_can_neither_leave_nor_step_down(client, focal_a, actor_a):
    membership = Membership.objects.get(user=focal_a, actor=actor_a)
    client.force_login(focal_a)

    remove = client.post(
        reverse("actors:member-update", args=[actor_a.slug, membership.pk, "remove"]),
        follow=True,
    )
    demote = client.post(
        reverse("actors:member-update", args=[actor_a.slug, membership.pk, "role"]),
        {"role": "contributor"},
        follow=True,
    )

    assert "at least one focal point" in remove.content.decode()
    assert "at least one focal point" in demote.content.decode()
    membership.refresh_from_db()
    assert membership.role == Membership.Role.FOCAL_POINT


def test_a_focal_point_steps_down_once_another_is_named(client, focal_a, actor_a):
    colleague = MembershipFactory(actor=actor_a, user=VerifiedUserFactory())
    client.force_login(focal_a)

    client.post(
        reverse("actors:member-update", args=[actor_a.slug, colleague.pk, "role"]),
        {"role": "focal-point"},
    )
    response = client.post(
        reverse(
            "actors:member-update",
            args=[actor_a.slug, Membership.objects.get(user=focal_a).pk, "role"],
        ),
        {"role": "contributor"},
    )

    assert response["Location"] == actor_a.get_absolute_url()
    assert Membership.objects.get(user=focal_a).role == Membership.Role.CONTRIBUTOR
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.FOCAL_POINT


def test_focal_point_edits_the_profile_but_not_the_name(client, focal_a, actor_a):
    client.force_login(focal_a)

    response = client.post(
        reverse("actors:edit", args=[actor_a.slug]),
        {
            "name": "Hijacked",
            "short_name": "OA",
            "description": "We work with migrants.",
            "website": "not a url",
            "country": "",
            "region": "",
        },
    )

    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert "We work with migrants." in response.content.decode()
    actor_a.refresh_from_db()
    assert actor_a.name == "Organisation A"
    assert actor_a.description == ""


def test_requests_page_lists_pending_requests_with_their_message(client, focal_a, actor_a):
    JoinRequest.objects.create(
        user=VerifiedUserFactory(display_name="Ama"), actor=actor_a, message="Please add me"
    )
    client.force_login(focal_a)

    response = client.get(reverse("actors:join-requests", args=[actor_a.slug]))

    content = response.content.decode()
    assert "Ama" in content
    assert "Please add me" in content


# The session, the user with their roles and memberships (actors.permissions.with_roles), the
# organisation; then the pending requests with their askers, the askers' other memberships and
# the decided requests, or the members with their users.
QUERIES = {"actors:join-requests": 6, "actors:members": 4}


@pytest.mark.parametrize("page", ["actors:join-requests", "actors:members"])
def test_management_pages_query_count_does_not_grow(
    client, focal_a, actor_a, django_assert_num_queries, page
):
    def add(n):
        for _ in range(n):
            user = VerifiedUserFactory()
            JoinRequest.objects.create(user=user, actor=actor_a, message="Hello")
            MembershipFactory(actor=actor_a, user=VerifiedUserFactory())

    client.force_login(focal_a)
    add(2)
    url = reverse(page, args=[actor_a.slug])
    client.get(url)  # warm the session

    with django_assert_num_queries(QUERIES[page]):
        assert client.get(url).status_code == 200
    add(20)
    with django_assert_num_queries(QUERIES[page]):
        assert client.get(url).status_code == 200
