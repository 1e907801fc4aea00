"""Notifications: who hears of what in the conversation, the bell, the settings, and the e-mails
sent right away, in the daily digest or never (workflow events: test_workflow_notifications)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from actors.models import Membership, Notification, NotificationPreference
from actors.models.notifications import MODERATOR_KINDS, Frequency, Kind
from actors.notifications import notify_user, send_daily_digests, set_preferences
from reviews import services
from reviews.models import Flag, Objective
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    UserFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("actors:notifications")
SETTINGS = reverse("actors:notification-settings")


@pytest.fixture
def pledge(actor_a):
    return PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")


@pytest.fixture
def author(db):
    return VerifiedUserFactory(display_name="Aut Hor", email="author@example.org")


def tell(user, title="Something happened", kind=Kind.REPLY):
    return notify_user(user=user, kind=kind, title=title, url="/somewhere/")


def post(user, target, body="A comment.", field="pledge", **kwargs):
    return services.comment_post(user=user, target_field=field, target=target, body=body, **kwargs)


def addresses():
    assert all(len(message.to) == 1 for message in mail.outbox)
    return sorted(message.to[0] for message in mail.outbox)


EVERYONES_KINDS = [kind for kind in Kind.values if kind not in MODERATOR_KINDS]


def every_kind(frequency=Frequency.OFF, kinds=EVERYONES_KINDS, **chosen):
    """The settings form's data: `frequency` for each kind unless chosen otherwise."""
    return {kind: chosen.get(kind.replace("-", "_"), frequency) for kind in kinds}


# Who is told ---------------------------------------------------------------------------------


def on_objective(author):
    return CommentFactory(author=author, pledge=None, objective=Objective.objects.get(number=7))


def test_a_reply_tells_the_author_of_the_comment_and_not_the_replier(author, verified_user):
    comment = on_objective(author)

    post(verified_user, comment.objective, "I agree.", "objective", parent=comment)

    [told] = Notification.objects.all()
    assert told.user == author
    assert told.kind == Kind.REPLY
    assert told.title == "Vera Verified replied to your comment"
    assert told.body == "I agree."
    assert addresses() == [author.email]


def test_replying_in_ones_own_thread_tells_nobody(author):
    comment = on_objective(author)

    post(author, comment.objective, "An afterthought.", "objective", parent=comment)

    assert not Notification.objects.exists()


def test_a_comment_on_a_pledge_tells_the_lead_organisations_members_but_not_its_author(
    pledge, focal_a, contributor_a, focal_b, actor_a
):
    MembershipFactory(actor=actor_a, user=UserFactory(is_active=False))

    post(contributor_a, pledge, "We will report in June.", actor=actor_a)

    told = Notification.objects.all()
    assert [n.user for n in told] == [focal_a]
    assert told[0].kind == Kind.PLEDGE_COMMENT
    assert told[0].title == "Organisation A commented on your pledge “Seasonal pathways”"
    assert addresses() == [focal_a.email]


def test_a_comment_on_a_progress_update_tells_the_lead_too(pledge, focal_a, verified_user):
    update = ProgressUpdateFactory(pledge=pledge)

    comment = post(verified_user, update, "Good progress.", "progress_update")

    told = Notification.objects.get()
    assert told.user == focal_a
    assert told.url == f"{pledge.get_absolute_url()}#comment-{comment.pk}"


def test_a_member_replied_to_on_their_pledge_is_told_once(pledge, focal_a, verified_user):
    comment = CommentFactory(pledge=pledge, author=focal_a)

    post(verified_user, pledge, "A question for you.", parent=comment)

    assert [n.kind for n in Notification.objects.filter(user=focal_a)] == [Kind.REPLY]


def test_hiding_and_restoring_tell_the_author_with_the_reason(pledge, author, moderator):
    comment = CommentFactory(pledge=pledge, author=author)

    services.item_hide(item=comment, moderator=moderator, reason="Names a private person.")
    services.item_restore(item=comment, moderator=moderator, reason="The name was public.")

    hidden, restored = Notification.objects.filter(user=author).order_by("pk")
    assert (hidden.kind, hidden.body) == (Kind.MODERATION, "Reason: Names a private person.")
    assert (restored.kind, restored.body) == (Kind.MODERATION, "The name was public.")
    assert "Names a private person." in mail.outbox[0].body
    assert mail.outbox[1].subject == "[GCM Review Portal] A moderator restored your contribution"


def test_moderators_hear_of_automatic_hiding_as_they_chose(pledge, moderator, author):
    quiet = VerifiedUserFactory(email="quiet.moderator@example.org")
    quiet.groups.add(*moderator.groups.all())
    set_preferences(user=quiet, choices={Kind.MODERATOR_ALERT: Frequency.OFF})
    comment = CommentFactory(pledge=pledge, author=author)

    for user in [VerifiedUserFactory() for _ in range(3)]:
        services.flag_create(user=user, reason=Flag.Reason.SPAM, comment=comment)

    alerts = Notification.objects.filter(kind=Kind.MODERATOR_ALERT)
    assert {n.user for n in alerts} == {moderator, quiet}
    assert alerts.first().url == f"{reverse('reviews:moderation')}#comment-{comment.pk}"
    assert addresses() == sorted([author.email, moderator.email])


# How: right away, in the digest, or only in the portal ----------------------------------------


def test_right_away_is_the_default_and_sends_at_once(verified_user):
    notification = tell(verified_user, "Someone replied")

    assert notification.frequency == Frequency.IMMEDIATE
    assert notification.emailed_at is not None
    [message] = mail.outbox
    assert message.subject == "[GCM Review Portal] Someone replied"
    assert "http://127.0.0.1:8000/somewhere/" in message.body
    assert send_daily_digests() == 0


def test_the_daily_digest_sends_one_email_per_person_once(verified_user, author, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    for person in (verified_user, author):
        set_preferences(
            user=person,
            choices={Kind.REPLY: Frequency.DAILY, Kind.PLEDGE_COMMENT: Frequency.DAILY},
        )
    tell(verified_user, "First reply")
    tell(verified_user, "A comment on your pledge", Kind.PLEDGE_COMMENT)
    tell(author, "Another reply")
    assert mail.outbox == [], "nothing is e-mailed at once"

    assert send_daily_digests() == 2

    assert addresses() == sorted([verified_user.email, author.email])
    mine = next(m for m in mail.outbox if m.to == [verified_user.email])
    assert mine.subject == "[GCM Review Portal] Your daily digest"
    assert "- First reply (2 Mar 09:00)" in mine.body
    assert "- A comment on your pledge" in mine.body
    assert "Another reply" not in mine.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    mail.outbox.clear()
    assert send_daily_digests() == 0
    assert mail.outbox == [], "nothing is sent twice"


def test_the_next_digest_has_only_what_came_since(verified_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    set_preferences(user=verified_user, choices={Kind.REPLY: Frequency.DAILY})
    tell(verified_user, "Monday's reply")
    send_daily_digests()
    time_machine.shift(dt.timedelta(days=1))
    tell(verified_user, "Tuesday's reply")

    send_daily_digests()

    assert len(mail.outbox) == 2
    assert "Tuesday's reply" in mail.outbox[1].body
    assert "Monday's reply" not in mail.outbox[1].body


def test_the_send_digests_command_sends_the_digests(verified_user, capsys):
    set_preferences(user=verified_user, choices={Kind.REPLY: Frequency.DAILY})
    tell(verified_user)

    call_command("send_digests")
    call_command("send_digests")

    assert addresses() == [verified_user.email]
    out = capsys.readouterr().out
    assert "Digests queued: 1 personal, 0 for moderators." in out
    assert "Digests queued: 0 personal, 0 for moderators." in out


def test_a_deactivated_person_gets_no_digest_and_nothing_piles_up(verified_user):
    set_preferences(user=verified_user, choices={Kind.REPLY: Frequency.DAILY})
    tell(verified_user)
    verified_user.is_active = False
    verified_user.save()

    assert send_daily_digests() == 0
    assert mail.outbox == []
    assert not Notification.objects.due_for_digest().exists()


def test_off_never_emails_but_the_bell_shows_it(client, verified_user):
    set_preferences(user=verified_user, choices={Kind.REPLY: Frequency.OFF})
    tell(verified_user, "Quiet reply")
    tell(verified_user, "Another quiet reply")

    send_daily_digests()
    call_command("send_digests", verbosity=0)

    assert mail.outbox == []
    client.force_login(verified_user)
    page = client.get(NOTIFICATIONS).content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert "Quiet reply" in page


# The bell and the notification pages ----------------------------------------------------------


def test_the_bell_shows_the_unread_count_on_every_page(client, verified_user):
    for n in range(3):
        tell(verified_user, f"News {n}")
    tell(VerifiedUserFactory(), "Someone else's news")
    client.force_login(verified_user)

    page = client.get(reverse("reviews:objective-list")).content.decode()

    assert 'aria-label="Notifications, 3 unread"' in page
    assert '<span class="badge">3</span>' in page


def test_marking_one_as_read_and_then_all(client, verified_user):
    first, *_ = [tell(verified_user, f"News {n}") for n in range(3)]
    others = tell(VerifiedUserFactory(), "Not mine")
    client.force_login(verified_user)

    response = client.post(NOTIFICATIONS, {"notification": [first.pk, others.pk]})

    assert response["Location"] == NOTIFICATIONS
    assert list(Notification.objects.filter(read_at__isnull=False)) == [first]
    page = client.get(NOTIFICATIONS).content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    client.post(NOTIFICATIONS)
    assert set(Notification.objects.filter(read_at__isnull=True)) == {others}
    assert "Notifications, 0 unread" in client.get(NOTIFICATIONS).content.decode()


def test_the_notification_pages_need_signing_in(client):
    for url in (NOTIFICATIONS, SETTINGS):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_settings_page_saves_a_choice_per_kind(client, verified_user):
    client.force_login(verified_user)
    form = client.get(SETTINGS).context["form"]
    assert list(form.fields) == [
        Kind.REPLY,
        Kind.PLEDGE_COMMENT,
        Kind.MODERATION,
        Kind.PLEDGE_WORKFLOW,
        Kind.PARTNERSHIP,
        Kind.JOIN_REQUEST,
        Kind.MEMBERSHIP,
        Kind.EXPORT,
        Kind.FOLLOWED,
        Kind.REPORTING_ROUND,
        Kind.ENDORSEMENT,
        Kind.QUESTION,
        Kind.QUESTION_OUTCOME,
        Kind.NEED_ANSWER,
        Kind.NEED_MET,
    ]
    assert all(field.initial == Frequency.IMMEDIATE for field in form.fields.values())

    response = client.post(
        SETTINGS, every_kind(reply="daily", moderation="immediate", pledge_workflow="daily")
    )

    assert response["Location"] == SETTINGS
    saved = dict(
        NotificationPreference.objects.filter(user=verified_user).values_list("kind", "frequency")
    )
    assert saved == every_kind(reply="daily", moderation="immediate", pledge_workflow="daily")
    client.post(SETTINGS, every_kind(moderation="daily"))
    assert NotificationPreference.objects.filter(user=verified_user).count() == len(EVERYONES_KINDS)
    assert tell(verified_user).frequency == Frequency.OFF
    assert client.get(SETTINGS).context["form"]["moderation"].initial == Frequency.DAILY
    assert client.get(SETTINGS).context["form"]["pledge-workflow"].initial == Frequency.OFF


def test_moderators_also_choose_how_they_hear_of_their_queue(client, moderator):
    client.force_login(moderator)
    fields = client.get(SETTINGS).context["form"].fields
    assert set(fields) == set(Kind.values)

    client.post(
        SETTINGS, every_kind(kinds=Kind.values, moderator_alert="daily", moderation_queue="daily")
    )

    chosen = dict(
        NotificationPreference.objects.filter(user=moderator, kind__in=MODERATOR_KINDS).values_list(
            "kind", "frequency"
        )
    )
    assert chosen == {Kind.MODERATOR_ALERT: Frequency.DAILY, Kind.MODERATION_QUEUE: Frequency.DAILY}


def test_a_moderator_only_choice_sent_by_someone_else_is_ignored(client, verified_user):
    client.force_login(verified_user)

    client.post(SETTINGS, {**every_kind(), Kind.MODERATION_QUEUE: "daily"})

    assert not NotificationPreference.objects.filter(kind__in=MODERATOR_KINDS).exists()
    assert NotificationPreference.objects.count() == len(EVERYONES_KINDS)


def test_an_unknown_choice_is_shown_again_with_an_error(client, verified_user):
    client.force_login(verified_user)

    response = client.post(SETTINGS, every_kind(reply="hourly"))

    assert response.status_code == 200
    assert response.context["form"].errors["reply"]
    assert not NotificationPreference.objects.exists()


def test_a_contributor_hears_of_comments_as_chosen(pledge, actor_a, verified_user):
    member = VerifiedUserFactory()
    MembershipFactory(user=member, actor=actor_a, role=Membership.Role.CONTRIBUTOR)
    set_preferences(user=member, choices={Kind.PLEDGE_COMMENT: Frequency.DAILY})

    post(verified_user, pledge, "Interesting.")

    assert mail.outbox == []
    assert send_daily_digests() == 1
    assert "commented on your pledge" in mail.outbox[0].body
