"""A moderation action's reason is read by a form: a NUL byte (PostgreSQL refuses it in text)
or an overlong reason is an error message on the queue, and nothing changes."""

import pytest
from django.urls import reverse

from reviews.models import ModerationLogEntry
from tests.factories import CommentFactory, PledgeFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

BAD_REASONS = ["Spam\x00", "x" * 2001]


@pytest.fixture
def comment():
    return CommentFactory(pledge=PledgeFactory(published=True))


@pytest.mark.parametrize("reason", BAD_REASONS)
def test_hiding_with_an_unreadable_reason_changes_nothing(client, moderator, comment, reason):
    client.force_login(moderator)
    url = reverse("reviews:moderation-item", args=["comment", comment.pk, "hide"])

    response = client.post(url, {"reason": reason}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModerationLogEntry.objects.exists()


@pytest.mark.parametrize("reason", BAD_REASONS)
def test_blocking_with_an_unreadable_reason_changes_nothing(client, moderator, reason):
    client.force_login(moderator)
    person = VerifiedUserFactory()

    response = client.post(
        reverse("reviews:moderation-user", args=[person.pk, "block"]), {"reason": reason}
    )

    assert response.status_code == 302
    assert not ModerationLogEntry.objects.exists()


def test_bulk_hiding_with_an_unreadable_reason_changes_nothing(client, moderator, comment):
    client.force_login(moderator)

    response = client.post(
        reverse("reviews:moderation-bulk"),
        {"action": "hide", "reason": "Spam\x00", "comment": [comment.pk]},
        follow=True,
    )

    assert "Nothing was changed." in " ".join(str(m) for m in response.context["messages"])
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_a_readable_reason_still_hides(client, moderator, comment):
    client.force_login(moderator)
    url = reverse("reviews:moderation-item", args=["comment", comment.pk, "hide"])

    client.post(url, {"reason": "Spam"})

    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_reason == "Spam"
