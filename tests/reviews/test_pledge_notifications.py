"""Who is told what at each step of a pledge's life: a notification in each recipient's bell, and
by default an e-mail each (one message per recipient). Every frequency and every workflow event:
tests/actors/test_workflow_notifications.py."""

import pytest
from django.core import mail
from django.urls import reverse

from actors.models import Membership, Notification
from actors.models.notifications import Kind
from reviews import services
from reviews.models import Pledge
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    ModeratorFactory,
    PledgeFactory,
    PledgePartnerFactory,
    UserFactory,
    pledge_form_data,
)

pytestmark = pytest.mark.django_db

REASON = "Please name the provinces where the workers are recruited."


def recipients(kind: str) -> list[str]:
    """Everyone told, sorted: each has one notification of `kind` and one e-mail of their own."""
    assert all(len(message.to) == 1 for message in mail.outbox), "addresses are never shared"
    mailed = sorted(address for message in mail.outbox for address in message.to)
    notified = sorted(n.user.email for n in Notification.objects.select_related("user"))
    assert {n.kind for n in Notification.objects.all()} == {kind}
    assert notified == mailed
    return mailed


@pytest.fixture
def people(actor_a, actor_b, focal_a, focal_a_without_mfa, contributor_a, focal_b, moderator):
    """Around organisation A: its focal points and contributor, a former focal point, another
    organisation's focal point, two active moderators, a retired one and a staff member."""
    MembershipFactory(
        actor=actor_a,
        role=Membership.Role.FOCAL_POINT,
        user=UserFactory(email="retired.focal@example.org", is_active=False),
    )
    return {
        "lead_focal_points": sorted([focal_a.email, focal_a_without_mfa.email]),
        "moderators": sorted(
            [moderator.email, ModeratorFactory(email="second.moderator@example.org").email]
        ),
        "retired_moderator": ModeratorFactory(email="retired.mod@example.org", is_active=False),
        "staff": UserFactory(email="staff@example.org", is_staff=True),
    }


def test_a_submission_is_sent_to_every_active_moderator_and_no_one_else(
    client, focal_a, actor_a, people
):
    pledge = PledgeFactory(lead=actor_a, title="Fair recruitment in Kolda")
    client.force_login(focal_a)

    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, "submit"]))

    assert recipients(Kind.MODERATION_QUEUE) == people["moderators"]
    message = mail.outbox[0]
    assert message.subject.endswith("Pledge submitted for review: Fair recruitment in Kolda")
    assert pledge.get_absolute_url() in message.body
    assert "waits in the moderation queue" in message.body


def test_a_publication_is_sent_to_the_leads_focal_points_only(client, moderator, actor_a, people):
    pledge = PledgeFactory(lead=actor_a, submitted=True, title="Fair recruitment in Kolda")
    client.force_login(moderator)

    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, "publish"]))

    assert recipients(Kind.PLEDGE_WORKFLOW) == people["lead_focal_points"]
    assert all("was published" in m.subject for m in mail.outbox)
    assert pledge.get_absolute_url() in mail.outbox[0].body


@pytest.mark.parametrize(("step", "word"), [("return", "returned"), ("reject", "rejected")])
def test_a_return_or_rejection_tells_the_leads_focal_points_why(
    client, moderator, actor_a, people, step, word
):
    pledge = PledgeFactory(lead=actor_a, submitted=True, title="Fair recruitment in Kolda")
    client.force_login(moderator)

    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, step]), {"reason": REASON})

    assert recipients(Kind.PLEDGE_WORKFLOW) == people["lead_focal_points"]
    for message in mail.outbox:
        assert message.subject.endswith(f"Your pledge was {word}: Fair recruitment in Kolda")
        assert REASON in message.body
    assert all(n.body.startswith(f"The reason given: {REASON}") for n in Notification.objects.all())


def test_a_refused_step_sends_nothing(client, moderator, actor_a, people):
    pledge = PledgeFactory(lead=actor_a, submitted=True, kind=Pledge.Kind.JOINT)
    PledgePartnerFactory(pledge=pledge)
    client.force_login(moderator)

    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, "publish"]))
    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, "return"]), {"reason": ""})

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_naming_a_partner_tells_that_organisations_focal_points_only(
    client, contributor_a, actor_a, people
):
    partner = ActorFactory(name="Partner Org")
    partner_focal = MembershipFactory(actor=partner, role=Membership.Role.FOCAL_POINT).user
    MembershipFactory(actor=partner, role=Membership.Role.CONTRIBUTOR)
    pledge = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT, title="Joint pledge")
    client.force_login(contributor_a)

    client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]),
        pledge_form_data(pledge, partners=[partner.pk]),
    )

    assert recipients(Kind.PARTNERSHIP) == [partner_focal.email]
    assert mail.outbox[0].subject.endswith(
        "Organisation A names Partner Org as partner of “Joint pledge”"
    )
    assert "A focal point of Partner Org confirms or declines" in mail.outbox[0].body


def test_a_partner_already_named_is_not_told_again(contributor_a, actor_a, actor_b, focal_b):
    pledge = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT)
    services.pledge_update(pledge=pledge, by=contributor_a, version=1, data={"partners": [actor_b]})
    assert Notification.objects.filter(user=focal_b).count() == 1
    mail.outbox.clear()

    services.pledge_update(pledge=pledge, by=contributor_a, version=2, data={"partners": [actor_b]})

    assert mail.outbox == []
    assert Notification.objects.filter(user=focal_b).count() == 1


def test_a_new_joint_draft_tells_each_named_partner(client, contributor_a, actor_b, focal_b):
    other = ActorFactory()
    other_focal = MembershipFactory(actor=other, role=Membership.Role.FOCAL_POINT).user
    client.force_login(contributor_a)

    client.post(
        reverse("reviews:pledge-create"),
        pledge_form_data(kind="joint", partners=[actor_b.pk, other.pk]),
    )

    assert Pledge.objects.get().partnerships.count() == 2
    assert recipients(Kind.PARTNERSHIP) == sorted([focal_b.email, other_focal.email])
