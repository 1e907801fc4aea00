"""A focal point deciding a join request sees who is asking: name, e-mail address, the other
organisations they act for (with role), the date and their message — and the mail names them."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from actors import services
from actors.models import Actor, JoinRequest, Membership, Notification
from tests.factories import ActorFactory, MembershipFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def requests_page(client, actor):
    return client.get(reverse("actors:join-requests", args=[actor.slug]))


def card(response, join_request):
    """The HTML of one request's card on the requests page."""
    page = response.content.decode()
    start = page.index(f'id="request-{join_request.pk}"')
    return page[start : page.index("</article>", start)]


def test_focal_point_sees_name_email_other_organisations_date_and_message(
    client, focal_a, actor_a, actor_b
):
    asker = VerifiedUserFactory(display_name="Ama Asker", email="ama@example.org")
    MembershipFactory(user=asker, actor=actor_b, role=Membership.Role.FOCAL_POINT)
    city = ActorFactory(name="City of Tests")
    MembershipFactory(user=asker, actor=city, role=Membership.Role.CONTRIBUTOR)
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 30, tzinfo=dt.UTC), tick=False):
        join_request = JoinRequest.objects.create(
            user=asker, actor=actor_a, message="I coordinate our youth work."
        )
    client.force_login(focal_a)

    html = card(requests_page(client, actor_a), join_request)

    assert "<h3>Ama Asker</h3>" in html
    assert 'href="mailto:ama@example.org"' in html
    # Alphabetical, each with the role held there and a link to the organisation.
    assert (
        f'<a href="{city.get_absolute_url()}">City of Tests</a> (contributor), '
        f'<a href="{actor_b.get_absolute_url()}">Organisation B</a> (focal point)'
    ) in html
    assert "4 March 2026" in html
    assert "I coordinate our youth work." in html


def test_a_requester_without_a_name_is_shown_by_address_not_as_member_n(client, focal_a, actor_a):
    asker = VerifiedUserFactory(display_name="", email="quiet@example.org")
    join_request = JoinRequest.objects.create(user=asker, actor=actor_a)
    client.force_login(focal_a)

    html = card(requests_page(client, actor_a), join_request)

    assert "No name given" in html
    assert "quiet@example.org" in html
    assert f"Member {asker.pk}" not in html
    assert "None on the portal" in html


def test_other_organisations_leave_out_this_one_and_unaccredited_ones(client, focal_a, actor_a):
    asker = VerifiedUserFactory()
    join_request = JoinRequest.objects.create(user=asker, actor=actor_a)
    # Added by an administrator after the request was made.
    MembershipFactory(user=asker, actor=actor_a)
    proposed = ActorFactory(name="Not Yet Accredited", status=Actor.Status.PROPOSED)
    MembershipFactory(user=asker, actor=proposed)
    client.force_login(focal_a)

    html = card(requests_page(client, actor_a), join_request)

    assert "Not Yet Accredited" not in html
    assert f'<a href="{actor_a.get_absolute_url()}">' not in html
    assert "None on the portal" in html


def test_another_organisations_focal_point_sees_none_of_it(client, focal_b, actor_a):
    JoinRequest.objects.create(
        user=VerifiedUserFactory(email="ama@example.org"), actor=actor_a, message="Hi"
    )
    client.force_login(focal_b)

    response = requests_page(client, actor_a)

    assert response.status_code in (403, 404)
    assert "ama@example.org" not in response.content.decode()


def test_the_requests_page_costs_the_same_queries_for_one_request_or_many(
    client, focal_a, actor_a, django_assert_num_queries
):
    def ask(n):
        for _ in range(n):
            asker = VerifiedUserFactory()
            for _ in range(3):
                MembershipFactory(user=asker, role=Membership.Role.FOCAL_POINT)
            JoinRequest.objects.create(user=asker, actor=actor_a, message="Hello")

    client.force_login(focal_a)
    ask(1)
    requests_page(client, actor_a)  # warm the session

    # The session, the user with their roles and memberships (actors.permissions.with_roles),
    # the organisation, the pending requests with their askers, the askers' memberships of
    # other organisations (one query for all of them), the decided requests.
    with django_assert_num_queries(6):
        response = requests_page(client, actor_a)
    assert response.content.decode().count("(focal point)") == 3
    ask(9)
    with django_assert_num_queries(6):
        response = requests_page(client, actor_a)
    assert response.content.decode().count("(focal point)") == 30


def test_the_focal_points_mail_names_the_person_and_their_organisations(focal_a, actor_a, actor_b):
    asker = VerifiedUserFactory(display_name="Ama Asker", email="ama@example.org")
    MembershipFactory(user=asker, actor=actor_b, role=Membership.Role.CONTRIBUTOR)

    services.join_request_create(user=asker, actor=actor_a, message="Add me, please.")

    told = Notification.objects.get(user=focal_a)
    assert told.title == "Ama Asker asks to join Organisation A"
    assert "They act for: Organisation B (contributor)." in told.body
    assert "Their message: Add me, please." in told.body
    (message,) = mail.outbox
    assert message.to == [focal_a.email]
    assert "Ama Asker asks to join Organisation A" in message.subject
    assert "Ama Asker asks to act for Organisation A." in message.body
    assert "Organisation B (contributor)" in message.body
    # The address is shown on the requests page, behind the focal point's sign-in, not mailed.
    assert "ama@example.org" not in message.body


def test_the_mail_about_someone_without_a_name_does_not_call_them_member_n(focal_a, actor_a):
    asker = VerifiedUserFactory(display_name="")

    services.join_request_create(user=asker, actor=actor_a)

    (message,) = mail.outbox
    assert "Someone who gave no name asks to join Organisation A" in message.subject
    assert "They act for no other organisation." in message.body
    assert f"Member {asker.pk}" not in message.subject + message.body
