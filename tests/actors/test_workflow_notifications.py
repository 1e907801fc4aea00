"""Workflow events reach people the way the conversation does: a notification in the bell of
exactly the right people, and an e-mail right away, in the daily digest or never, as each person
chose for that kind. Also the moderators' daily summary, which is one more such notification."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actors import services as actor_services
from actors.models import JoinRequest, Membership, Notification, User
from actors.models.notifications import Frequency, Kind
from actors.notifications import send_daily_digests, set_preferences
from reviews import services
from reviews.models import Flag, Pledge
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    ModeratorFactory,
    PledgeFactory,
    UserFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

TITLE = "Fair recruitment in Kolda"
REASON = "Please name the provinces where the workers are recruited."
PREFIX = "[GCM Review Portal] "
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def world(
    actor_a,
    actor_b,
    focal_a,
    focal_a_without_mfa,
    contributor_a,
    focal_b,
    moderator,
    moderator_without_mfa,
    verified_user,
):
    """Everyone who might be told: A's two focal points, its contributor and a retired focal
    point; B's focal point, contributor and retired focal point; two moderators and a retired
    one; a staff member; and a person asking to join A."""
    for actor in (actor_a, actor_b):
        MembershipFactory(
            actor=actor, role=Membership.Role.FOCAL_POINT, user=UserFactory(is_active=False)
        )
    MembershipFactory(actor=actor_b, role=Membership.Role.CONTRIBUTOR)
    ModeratorFactory(is_active=False)
    UserFactory(is_staff=True)
    return SimpleNamespace(
        actor_a=actor_a,
        actor_b=actor_b,
        contributor_a=contributor_a,
        focal_a=focal_a,
        moderator=moderator,
        requester=verified_user,
        lead_focal_points=[focal_a, focal_a_without_mfa],
        partner_focal_points=[focal_b],
        moderators=[moderator, moderator_without_mfa],
    )


# Each event does its step and returns the URL its notification links to.


def submit(w):
    pledge = PledgeFactory(lead=w.actor_a, title=TITLE)
    services.pledge_submit(pledge=pledge, by=w.focal_a)
    return pledge.get_absolute_url()


def decide(step, **kwargs):
    def act(w):
        pledge = PledgeFactory(lead=w.actor_a, submitted=True, title=TITLE)
        services.pledge_step(pledge=pledge, step=step, by=w.moderator, **kwargs)
        return pledge.get_absolute_url()

    return act


def name_partner(w):
    pledge = PledgeFactory(lead=w.actor_a, kind=Pledge.Kind.JOINT, title=TITLE)
    services.pledge_update(
        pledge=pledge, by=w.contributor_a, version=pledge.version, data={"partners": [w.actor_b]}
    )
    return pledge.get_absolute_url()


def ask_to_join(w):
    actor_services.join_request_create(
        user=w.requester, actor=w.actor_a, message="I lead our youth work."
    )
    return reverse("actors:join-requests", args=[w.actor_a.slug])


def approve(w):
    join_request = JoinRequest.objects.create(user=w.requester, actor=w.actor_a)
    actor_services.join_request_approve(join_request=join_request, by=w.focal_a, role="focal-point")
    return reverse("actors:my-organisations")


def refuse(w):
    join_request = JoinRequest.objects.create(user=w.requester, actor=w.actor_a)
    actor_services.join_request_refuse(join_request=join_request, by=w.focal_a, reason=REASON)
    return reverse("actors:my-organisations")


def accredit(w):
    actor = actor_services.actor_propose(
        user=w.requester, name="Kolda Workers Union", kind="trade-union", note="We organise."
    )
    actor_services.actor_accredit(actor=actor, by=w.moderator)
    return actor.get_absolute_url()


def summarise(w):
    PledgeFactory(submitted=True)
    services.send_moderator_digest()
    return reverse("reviews:moderation")


# name: (act, kind, who is told, title, a part of the body)
EVENTS = {
    "pledge submitted": (
        submit,
        Kind.MODERATION_QUEUE,
        "moderators",
        f"Pledge submitted for review: {TITLE}",
        f"Organisation A submitted “{TITLE}”.",
    ),
    "pledge returned": (
        decide("return", reason=REASON),
        Kind.PLEDGE_WORKFLOW,
        "lead_focal_points",
        f"Your pledge was returned: {TITLE}",
        f"The reason given: {REASON}\n\nEdit it and submit it again.",
    ),
    "pledge rejected": (
        decide("reject", reason=REASON),
        Kind.PLEDGE_WORKFLOW,
        "lead_focal_points",
        f"Your pledge was rejected: {TITLE}",
        f"The reason given: {REASON}",
    ),
    "pledge published": (
        decide("publish"),
        Kind.PLEDGE_WORKFLOW,
        "lead_focal_points",
        f"Your pledge was published: {TITLE}",
        "It is now public on the portal.",
    ),
    "partner named": (
        name_partner,
        Kind.PARTNERSHIP,
        "partner_focal_points",
        f"Organisation A names Organisation B as partner of “{TITLE}”",
        "A focal point of Organisation B confirms or declines the partnership",
    ),
    "join request made": (
        ask_to_join,
        Kind.JOIN_REQUEST,
        "lead_focal_points",
        "Vera Verified asks to join Organisation A",
        "Their message: I lead our youth work.",
    ),
    "join request approved": (
        approve,
        Kind.MEMBERSHIP,
        "requester",
        "You can now act for Organisation A",
        "was approved: you are now its focal point.",
    ),
    "join request refused": (
        refuse,
        Kind.MEMBERSHIP,
        "requester",
        "Your request to act for Organisation A was refused",
        f"The reason given: {REASON}",
    ),
    "organisation accredited": (
        accredit,
        Kind.MEMBERSHIP,
        "requester",
        "Kolda Workers Union is accredited",
        "Kolda Workers Union, which you proposed, is now accredited",
    ),
    "moderators' daily summary": (
        summarise,
        Kind.MODERATION_QUEUE,
        "moderators",
        "What is waiting for moderation",
        "1 submitted pledge, 0 flagged or hidden comments",
    ),
}


def emails(users) -> list[str]:
    return sorted(user.email for user in users)


def addresses() -> list[str]:
    assert all(len(message.to) == 1 for message in mail.outbox), "addresses are never shared"
    return sorted(message.to[0] for message in mail.outbox)


@pytest.mark.parametrize("frequency", [None, Frequency.DAILY, Frequency.OFF])
@pytest.mark.parametrize("event", EVENTS)
def test_each_workflow_event_tells_exactly_the_right_people_as_they_chose(world, event, frequency):
    act, kind, who, title, body = EVENTS[event]
    expected = world.requester if who == "requester" else getattr(world, who)
    expected = expected if isinstance(expected, list) else [expected]
    if frequency is not None:  # None: nobody chose, the default applies
        for user in User.objects.all():
            set_preferences(user=user, choices={kind: frequency})

    url = act(world)

    told = list(Notification.objects.select_related("user"))
    assert emails(n.user for n in told) == emails(expected)
    chosen = frequency or Frequency.IMMEDIATE
    assert {(n.kind, n.title, n.url, n.frequency) for n in told} == {(kind, title, url, chosen)}
    assert all(body in n.body for n in told)
    if chosen == Frequency.IMMEDIATE:
        assert addresses() == emails(expected)
        for message in mail.outbox:
            assert message.subject == PREFIX + title
            assert body in message.body
            assert f"{SITE}{url}" in message.body
        assert send_daily_digests() == 0, "nothing is sent twice"
    elif chosen == Frequency.DAILY:
        assert mail.outbox == [], "nothing is e-mailed at once"
        assert send_daily_digests() == len(expected)
        assert addresses() == emails(expected)
        for message in mail.outbox:
            assert message.subject == PREFIX + "Your daily digest"
            assert f"- {title} (" in message.body
            assert body in message.body
            assert f"{SITE}{url}" in message.body
    else:
        assert send_daily_digests() == 0
        assert mail.outbox == [], "only in the portal"


def test_the_choice_for_one_kind_leaves_the_others_alone(world):
    for focal_point in world.lead_focal_points:
        set_preferences(user=focal_point, choices={Kind.JOIN_REQUEST: Frequency.OFF})

    decide("return", reason=REASON)(world)

    assert addresses() == emails(world.lead_focal_points)


# The moderators' daily summary ----------------------------------------------------------------


def test_the_moderators_summary_goes_once_a_day_when_something_waits(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC), tick=False)
    today = timezone.localdate()
    assert services.send_moderator_digest(today=today) == 0, "nothing waits yet"
    assert not Notification.objects.exists()
    PledgeFactory(submitted=True)
    flagged = CommentFactory()
    flagged.flags.create(user=VerifiedUserFactory(), reason=Flag.Reason.SPAM)

    sent = services.send_moderator_digest(today=today)
    again = services.send_moderator_digest(today=today)

    assert (sent, again) == (2, 0)
    told = Notification.objects.all()
    assert emails(n.user for n in told) == emails(world.moderators)
    assert told[0].body == (
        "1 submitted pledge, 1 flagged or hidden comment and 0 flagged or hidden progress reports."
    )
    assert addresses() == emails(world.moderators)
    assert services.send_moderator_digest(today=today + dt.timedelta(days=1)) == 2


def test_a_moderator_who_chose_the_digest_finds_the_summary_in_the_same_days_digest(world):
    mo, nomfa = world.moderators
    set_preferences(user=mo, choices={Kind.MODERATION_QUEUE: Frequency.DAILY})
    set_preferences(user=nomfa, choices={Kind.MODERATION_QUEUE: Frequency.OFF})
    PledgeFactory(submitted=True)

    call_command("send_digests", verbosity=0)

    assert addresses() == [mo.email]
    assert mail.outbox[0].subject == PREFIX + "Your daily digest"
    assert "- What is waiting for moderation (" in mail.outbox[0].body
    assert "1 submitted pledge, 0 flagged" in mail.outbox[0].body
    assert Notification.objects.filter(user=nomfa).count() == 1, "still in the bell"
