"""Ids from forms: whole numbers a key can hold, and nothing else reaches the database."""

import pytest
from django.urls import reverse

from actors.models import Notification
from portal.ids import MAX_ID, parse_id, parse_ids
from reviews.models import Comment, ModerationLogEntry
from tests.factories import CommentFactory, PledgeFactory

HOSTILE = ["", " ", "abc", "-1", "0", "1.5", "1e3", "²", "١٢", "0x10", str(MAX_ID + 1), "9" * 40]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_that_is_no_key_is_no_id(value):
    assert parse_id(value) is None


def test_ids_are_read_in_order_without_repeats():
    assert parse_ids(["3", "x", "1", "3", str(MAX_ID), "²"]) == [3, 1, MAX_ID]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_a_reply_to_a_comment_that_cannot_exist_is_a_404(client, verified_user, value):
    pledge = PledgeFactory(published=True)
    client.force_login(verified_user)

    response = client.post(
        reverse("reviews:comment-create"),
        {"target": "pledge", "target_id": pledge.pk, "parent": value, "body": "A reply."},
    )

    assert response.status_code in (302, 404)  # an empty parent is a new thread
    assert Comment.objects.filter(parent__isnull=False).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_a_comment_on_a_target_id_that_cannot_exist_is_a_404(client, verified_user, value):
    client.force_login(verified_user)

    response = client.post(
        reverse("reviews:comment-create"),
        {"target": "pledge", "target_id": value, "body": "Hello."},
    )

    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_bulk_moderation_skips_what_is_no_id(client, moderator):
    comment = CommentFactory()
    client.force_login(moderator)

    response = client.post(
        reverse("reviews:moderation-bulk"),
        {"action": "hide", "reason": "Spam", "comment": [*HOSTILE, str(comment.pk)]},
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden
    assert ModerationLogEntry.objects.count() == 1


@pytest.mark.django_db
def test_marking_notifications_read_skips_what_is_no_id(client, verified_user):
    mine = Notification.objects.create(user=verified_user, kind="reply", frequency="off", title="A")
    client.force_login(verified_user)

    response = client.post(
        reverse("actors:notifications"), {"notification": [*HOSTILE, str(mine.pk)]}
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
