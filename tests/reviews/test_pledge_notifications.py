"""Who is told what, by e-mail, at each step of a pledge's life (one message per recipient)."""

import pytest
from django.core import mail
from django.urls import reverse

from actors.models import Membership
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


def recipients() -> list[str]:
    """Everyone written to, one message each, sorted."""
    assert all(len(message.to) == 1 for message in mail.outbox), "addresses are never shared"
    return sorted(address for message in mail.outbox for address in message.to)


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

    assert recipients() == people["moderators"]
    message = mail.outbox[0]
    assert "Fair recruitment in Kolda" in message.subject
    assert reverse("reviews:moderation") in message.body


def test_a_publication_is_sent_to_the_leads_focal_points_only(client, moderator, actor_a, people):
    pledge = PledgeFactory(lead=actor_a, submitted=True, title="Fair recruitment in Kolda")
    client.force_login(moderator)

    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, "publish"]))

    assert recipients() == people["lead_focal_points"]
    assert all("was published" in m.subject for m in mail.outbox)
    assert pledge.get_absolute_url() in mail.outbox[0].body


@pytest.mark.parametrize(("step", "word"), [("return", "returned"), ("reject", "rejected")])
def test_a_return_or_rejection_tells_the_leads_focal_points_why(
    client, moderator, actor_a, people, step, word
):
    pledge = PledgeFactory(lead=actor_a, submitted=True, title="Fair recruitment in Kolda")
    client.force_login(moderator)

    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, step]), {"reason": REASON})

    assert recipients() == people["lead_focal_points"]
    for message in mail.outbox:
        assert message.subject.endswith(f"Your pledge was {word}: Fair recruitment in Kolda")
        assert REASON in message.body


def test_a_refused_step_sends_nothing(client, moderator, actor_a, people):
    pledge = PledgeFactory(lead=actor_a, submitted=True, kind=Pledge.Kind.JOINT)
    PledgePartnerFactory(pledge=pledge)
    client.force_login(moderator)

    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, "publish"]))
    client.post(reverse("reviews:pledge-transition", args=[pledge.pk, "return"]), {"reason": ""})

    assert mail.outbox == []


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

    assert recipients() == [partner_focal.email]
    assert "Organisation A names you as partner" in mail.outbox[0].subject
    assert 'names Partner Org as a partner of its pledge "Joint pledge"' in mail.outbox[0].body


def test_a_partner_already_named_is_not_told_again(contributor_a, actor_a, actor_b, focal_b):
    pledge = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT)
    services.pledge_update(pledge=pledge, by=contributor_a, version=1, data={"partners": [actor_b]})
    mail.outbox.clear()

    services.pledge_update(pledge=pledge, by=contributor_a, version=2, data={"partners": [actor_b]})

    assert mail.outbox == []


def test_a_new_joint_draft_tells_each_named_partner(client, contributor_a, actor_b, focal_b):
    other = ActorFactory()
    other_focal = MembershipFactory(actor=other, role=Membership.Role.FOCAL_POINT).user
    client.force_login(contributor_a)

    client.post(
        reverse("reviews:pledge-create"),
        pledge_form_data(kind="joint", partners=[actor_b.pk, other.pk]),
    )

    assert Pledge.objects.get().partnerships.count() == 2
    assert recipients() == sorted([focal_b.email, other_focal.email])
