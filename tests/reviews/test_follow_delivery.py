"""What is new on what people follow reaches them once, through the one notification path, in the
background: newly published pledges (objective, organisation, saved search), progress reports
(pledge, objective, organisation) and withdrawals (pledge). Following itself:
tests/actors/test_follows.py."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actors import services as actor_services
from actors.models import Coalition, FollowDelivery, Notification
from actors.models.notifications import Frequency, Kind
from actors.notifications import send_daily_digests, set_preferences
from reviews import follows, services
from reviews.models import Objective, Pledge, PledgePartner
from tests.factories import (
    ActorFactory,
    CoalitionMembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    UserFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

TASK_PATH = "reviews.follows.deliver_follows"


def follow(user, kind, key):
    return actor_services.follow_create(user=user, kind=kind, key=str(key))


def followed(user=None) -> list[Notification]:
    found = Notification.objects.filter(kind=Kind.FOLLOWED).order_by("pk")
    return list(found.filter(user=user) if user is not None else found)


def mailed_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.fixture
def follower(db):
    return VerifiedUserFactory(display_name="Fay Follower", email="fay@example.org")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as a request does: what it queues once committed runs then (tests run
    tasks at once)."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def submitted(actor_a):
    return PledgeFactory(
        lead=actor_a,
        submitted=True,
        title="Fair recruitment in Kolda",
        objectives=list(Objective.objects.filter(number__in=[6, 10])),
    )


# A new pledge -------------------------------------------------------------------------------


def test_a_followed_objectives_new_pledge_reaches_the_follower_once(
    committed, follower, moderator, actor_a, submitted
):
    follow(follower, "objective", 6)
    follow(follower, "actor", actor_a.slug)
    follow(follower, "search", "objective=10&kind=individual")
    only_objective = VerifiedUserFactory(email="other@example.org")
    follow(only_objective, "objective", 10)

    committed(services.pledge_publish, pledge=submitted, by=moderator)

    [notification] = followed(follower)
    assert notification.title == "New pledge: Fair recruitment in Kolda"
    assert notification.url == submitted.get_absolute_url()
    assert notification.body.startswith("Published by Organisation A.\n\nYou follow: ")
    for label in ("Objective 6: ", "Organisation A", "Kind of pledge: Individual"):
        assert label in notification.body
    assert len(mailed_to(follower)) == 1
    assert len(followed(only_objective)) == 1

    # Run again (a requeued task), and the pledge edited by nobody: nothing more.
    follows.deliver_follows.call(event=follows.PUBLISHED, pk=submitted.pk, by_id=moderator.pk)
    with pytest.raises(services.TransitionNotAllowed):
        committed(services.pledge_publish, pledge=submitted, by=moderator)
    assert len(followed()) == 2
    assert FollowDelivery.objects.count() == 2


def test_a_saved_search_is_matched_by_the_pledge_lists_own_filters(
    committed, moderator, actor_a, submitted
):
    people = {
        query: follow(VerifiedUserFactory(), "search", query).user
        for query in [
            "q=Kolda",
            "objective=10&actor_kind=civil-society",
            "kind=joint",
            "q=Dakar",
            "status=withdrawn",
            f"actor={ActorFactory().slug}",
        ]
    }

    committed(services.pledge_publish, pledge=submitted, by=moderator)

    told = {query for query, user in people.items() if followed(user)}
    assert told == {"q=Kolda", "objective=10&actor_kind=civil-society"}


def test_a_search_that_no_longer_validates_matches_nothing(follower, actor_a):
    membership = CoalitionMembershipFactory(actor=actor_a)
    pledge = PledgeFactory(lead=actor_a, published=True)
    follow(follower, "search", f"coalition={membership.coalition.slug}")
    # The reference data changed since: the filter refuses the search, it is not dropped (which
    # would select every pledge).
    Coalition.objects.filter(pk=membership.coalition_id).update(slug="renamed")

    follows.deliver_follows.call(event=follows.PUBLISHED, pk=pledge.pk)

    assert followed() == []


def test_an_organisation_is_followed_as_lead_and_as_confirmed_partner(
    committed, follower, moderator, actor_a, actor_b, submitted
):
    submitted.kind = Pledge.Kind.JOINT
    submitted.save()
    PledgePartnerFactory(pledge=submitted, actor=actor_b, status=PledgePartner.Status.CONFIRMED)
    follow(follower, "actor", actor_b.slug)

    committed(services.pledge_publish, pledge=submitted, by=moderator)

    [notification] = followed(follower)
    assert "You follow: Organisation B." in notification.body


def test_a_declined_partners_followers_hear_nothing_of_its_reports(
    committed, follower, contributor_a, actor_a, actor_b
):
    pledge = PledgeFactory(lead=actor_a, published=True, kind=Pledge.Kind.JOINT)
    PledgePartnerFactory(pledge=pledge, actor=actor_b, status=PledgePartner.Status.DECLINED)
    follow(follower, "actor", actor_b.slug)

    report(committed, pledge, contributor_a, actor_a)

    assert followed() == []


def test_the_moderator_who_publishes_is_not_told(committed, moderator, submitted):
    follow(moderator, "objective", 6)

    committed(services.pledge_publish, pledge=submitted, by=moderator)

    assert followed() == []


def test_a_pledge_that_is_not_public_is_never_told(follower, actor_a):
    follow(follower, "objective", 6)
    follow(follower, "actor", actor_a.slug)
    for status in ("draft", "submitted", "returned", "rejected"):
        pledge = PledgeFactory(lead=actor_a, status=status)

        follows.deliver_follows.call(event=follows.PUBLISHED, pk=pledge.pk)
        follows.deliver_follows.call(event=follows.WITHDRAWN, pk=pledge.pk)

    assert followed() == []


def test_an_inactive_follower_is_not_told(follower, actor_a):
    follow(follower, "objective", 6)
    follower.is_active = False
    follower.save()

    follows.deliver_follows.call(
        event=follows.PUBLISHED, pk=PledgeFactory(lead=actor_a, published=True).pk
    )

    assert followed() == []


# Progress reports ---------------------------------------------------------------------------


def report(committed, pledge, by, actor):
    return committed(
        services.progress_update_create,
        pledge=pledge,
        by=by,
        actor=actor,
        date=timezone.localdate(),
        stage=Pledge.ImplementationStatus.IN_PROGRESS,
        narrative="The baseline study is done.",
    )


def test_a_progress_report_on_a_followed_pledge_reaches_its_followers_once(
    committed, follower, contributor_a, actor_a
):
    pledge = PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")
    follow(follower, "pledge", pledge.pk)
    follow(follower, "objective", 6)  # the pledge's objective: still one notification
    by_objective = VerifiedUserFactory()
    follow(by_objective, "objective", 6)
    follow(contributor_a, "pledge", pledge.pk)  # its author is not told of their report
    follow(VerifiedUserFactory(), "search", "objective=6")  # searches hear of new pledges only

    update = report(committed, pledge, contributor_a, actor_a)

    [notification] = followed(follower)
    assert notification.title == "Progress on “Seasonal pathways”: In progress"
    assert notification.url == f"{pledge.get_absolute_url()}#progress-{update.pk}"
    assert notification.body.startswith("Reported by Organisation A.")
    assert "The baseline study" not in notification.body, "the bell quotes no narrative"
    assert {n.user for n in followed()} == {follower, by_objective}


def test_a_hidden_progress_report_is_never_told(follower, moderator, actor_a):
    update = ProgressUpdateFactory(pledge__lead=actor_a)
    follow(follower, "pledge", update.pledge_id)
    services.item_hide(item=update, moderator=moderator, reason="Off topic.")

    follows.deliver_follows.call(event=follows.PROGRESS, pk=update.pk)

    assert followed() == []


# Withdrawal ---------------------------------------------------------------------------------


def test_a_withdrawal_reaches_the_pledges_followers_with_the_reason(
    committed, follower, focal_a, actor_a
):
    pledge = PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")
    follow(follower, "pledge", pledge.pk)
    by_objective = VerifiedUserFactory()
    follow(by_objective, "objective", 6)

    committed(services.pledge_withdraw, pledge=pledge, by=focal_a, reason="Funding ended.")

    [notification] = followed()
    assert notification.user == follower
    assert notification.title == "Withdrawn: Seasonal pathways"
    assert notification.body.startswith("The reason given: Funding ended.")


# Preferences and the digest -----------------------------------------------------------------


def test_with_the_kind_off_it_is_only_in_the_bell(committed, follower, moderator, submitted):
    set_preferences(user=follower, choices={Kind.FOLLOWED: Frequency.OFF})
    follow(follower, "objective", 6)

    committed(services.pledge_publish, pledge=submitted, by=moderator)

    assert len(followed(follower)) == 1
    assert mailed_to(follower) == []
    assert send_daily_digests() == 0


def test_with_the_daily_digest_it_comes_in_the_digest(committed, follower, moderator, submitted):
    set_preferences(user=follower, choices={Kind.FOLLOWED: Frequency.DAILY})
    follow(follower, "objective", 6)

    committed(services.pledge_publish, pledge=submitted, by=moderator)
    assert mailed_to(follower) == []

    assert send_daily_digests() == 1
    [digest] = mailed_to(follower)
    assert "- New pledge: Fair recruitment in Kolda" in digest.body
    assert submitted.get_absolute_url() in digest.body


# Once, whatever runs at once ----------------------------------------------------------------


def test_a_person_another_run_already_told_is_not_told_again(follower, actor_a, monkeypatch):
    pledge = PledgeFactory(lead=actor_a, published=True)
    other = VerifiedUserFactory()
    for person in (follower, other):
        follow(person, "objective", 6)
    FollowDelivery.objects.create(user=follower, item=f"pledge:{pledge.pk}")
    # As if the other run wrote its row after this one looked: the constraint decides.
    monkeypatch.setattr(
        FollowDelivery.objects, "filter", lambda **kwargs: FollowDelivery.objects.none()
    )

    result = follows.deliver_follows.call(event=follows.PUBLISHED, pk=pledge.pk)

    assert result["told"] == 1
    assert [n.user for n in followed()] == [other]


def test_nothing_is_queued_before_the_change_is_committed(moderator, submitted, follower):
    follow(follower, "objective", 6)

    services.pledge_publish(pledge=submitted, by=moderator)  # the test's transaction is open

    assert followed() == []


# The task worker ----------------------------------------------------------------------------

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_delivery_waits_in_the_queue_until_a_worker_runs_it(actor_a):
    moderator = UserFactory()
    follower = VerifiedUserFactory(email="fay@example.org")
    follow(follower, "objective", 6)
    pledge = PledgeFactory(lead=actor_a, submitted=True)

    services.pledge_publish(pledge=pledge, by=moderator)

    assert followed() == [], "the request only queues it"
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert DBTaskResult.objects.get(task_path=TASK_PATH).status == "SUCCESSFUL"
    assert [n.user for n in followed()] == [follower]
    assert [m.to for m in mail.outbox if "New pledge" in m.subject] == [[follower.email]]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_publication_that_rolls_back_queues_no_delivery(actor_a):
    follow(VerifiedUserFactory(), "objective", 6)
    pledge = PledgeFactory(lead=actor_a, submitted=True)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.pledge_publish(pledge=pledge, by=UserFactory())
        raise RuntimeError("the request failed after the publication")

    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()
