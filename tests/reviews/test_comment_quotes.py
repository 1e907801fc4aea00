"""Notifications that quote a comment follow it: edited, deleted, hidden (itself or the comment it
answers) and restored. The bell, the list and the digests never show a copy of hidden words."""

import pytest
from django.core import mail
from django.urls import reverse

from actors.models import Notification
from actors.models.notifications import Frequency, Kind
from actors.notifications import send_daily_digests, set_preferences
from reviews import services
from reviews.services.quotes import DELETED_BY_AUTHOR, REMOVED_BY_MODERATOR
from tests.factories import PledgeFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

SECRET = "Words that will be hidden."


@pytest.fixture
def thread(actor_a, focal_a):
    """A comment on A's pledge (A's members are told) and a reply to it (its author is told)."""
    pledge = PledgeFactory(lead=actor_a, published=True)
    first = services.comment_post(
        user=VerifiedUserFactory(), target_field="pledge", target=pledge, body="The first."
    )
    reply = services.comment_post(
        user=VerifiedUserFactory(), target_field="pledge", target=pledge, body=SECRET, parent=first
    )
    return {"pledge": pledge, "first": first, "reply": reply}


def quoting(comment):
    return list(Notification.objects.filter(about=comment.quoted_as).values_list("body", flat=True))


def test_a_notification_quotes_the_comment_and_names_it(thread):
    bodies = quoting(thread["reply"])

    assert bodies  # the first comment's author and A's focal point
    assert set(bodies) == {SECRET}


def test_hiding_a_comment_removes_its_words_from_every_notification(thread, moderator):
    services.item_hide(item=thread["reply"], moderator=moderator, reason="Insults.")

    assert set(quoting(thread["reply"])) == {REMOVED_BY_MODERATOR}
    assert not Notification.objects.filter(body__contains=SECRET).exists()


def test_hiding_a_comment_removes_the_words_of_the_replies_under_it(thread, moderator):
    services.item_hide(item=thread["first"], moderator=moderator, reason="Off-topic thread.")

    assert set(quoting(thread["reply"])) == {REMOVED_BY_MODERATOR}

    services.item_restore(item=thread["first"], moderator=moderator)

    assert set(quoting(thread["reply"])) == {SECRET}


def test_restoring_a_comment_brings_its_words_back(thread, moderator):
    services.item_hide(item=thread["reply"], moderator=moderator, reason="Insults.")
    services.item_restore(item=thread["reply"], moderator=moderator)

    assert set(quoting(thread["reply"])) == {SECRET}


def test_an_edit_and_a_deletion_follow_into_the_notifications(thread):
    reply = thread["reply"]
    services.comment_edit(comment=reply, user=reply.author, body="Second thoughts.")

    assert set(quoting(reply)) == {"Second thoughts."}
    about = reply.quoted_as

    services.comment_delete(comment=reply, user=reply.author)

    assert set(Notification.objects.filter(about=about).values_list("body", flat=True)) == {
        DELETED_BY_AUTHOR
    }


def test_the_bell_and_the_digest_show_no_hidden_words(client, actor_a, focal_a, moderator):
    set_preferences(user=focal_a, choices={Kind.PLEDGE_COMMENT: Frequency.DAILY})
    pledge = PledgeFactory(lead=actor_a, published=True)
    comment = services.comment_post(
        user=VerifiedUserFactory(), target_field="pledge", target=pledge, body=SECRET
    )
    services.item_hide(item=comment, moderator=moderator, reason="Insults.")
    client.force_login(focal_a)

    page = client.get(reverse("actors:notifications")).content.decode()
    mail.outbox.clear()
    send_daily_digests()

    assert SECRET not in page and REMOVED_BY_MODERATOR in page
    assert [m for m in mail.outbox if focal_a.email in m.to]
    assert all(SECRET not in message.body for message in mail.outbox)
