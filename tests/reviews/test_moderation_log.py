"""The moderation log: written once by every moderation action, never changed, read and searched
by the moderators, read-only in the admin."""

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import reverse

from reviews import services
from reviews.models import ModerationLogEntry
from tests.factories import (
    CommentFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

Action = ModerationLogEntry.Action
LOG = reverse("reviews:moderation-log")


@pytest.fixture
def comment(db):
    return CommentFactory(body="Rude.", author=VerifiedUserFactory(display_name="Rud E"))


@pytest.fixture
def entry(moderator, comment):
    return services.log_moderation(moderator, Action.COMMENT_HIDE, comment, "  Insults.  ")


def test_an_entry_records_who_what_target_and_why(entry, moderator, comment):
    entry.refresh_from_db()

    assert entry.moderator == moderator
    assert entry.action == Action.COMMENT_HIDE
    assert (entry.target_type, entry.target_id) == ("comment", comment.pk)
    assert entry.target_label == f"Comment {comment.pk} by Rud E"
    assert entry.reason == "Insults."
    assert str(entry).endswith(f"Hid a comment: Comment {comment.pk} by Rud E")


def test_an_entry_cannot_be_saved_again(entry):
    entry.reason = "Something nicer."

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.save(update_fields=["reason"])
    entry.refresh_from_db()
    assert entry.reason == "Insults."


def test_an_entry_cannot_be_forced_over_another(entry, moderator):
    copy = ModerationLogEntry(
        pk=entry.pk,
        moderator=moderator,
        action=Action.COMMENT_RESTORE,
        target_type="comment",
        target_id=entry.target_id,
        target_label="x",
    )

    with pytest.raises(PermissionError):
        copy.save(force_update=True)
    with pytest.raises(PermissionError):
        copy.save()
    entry.refresh_from_db()
    assert entry.action == Action.COMMENT_HIDE


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(PermissionError):
        entry.delete()

    assert ModerationLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda qs: qs.update(reason="Rewritten."),
        lambda qs: qs.filter(action=Action.COMMENT_HIDE).update(reason="Rewritten."),
        lambda qs: qs.delete(),
        lambda qs: qs.filter(pk__gt=0).delete(),
        lambda qs: ModerationLogEntry.objects.bulk_update(
            [ModerationLogEntry(pk=e.pk, reason="Rewritten.") for e in qs], ["reason"]
        ),
    ],
    ids=["update", "filtered-update", "delete", "filtered-delete", "bulk-update"],
)
def test_the_log_cannot_be_changed_in_bulk(entry, change):
    # Each attempt in its own savepoint: bulk_update's atomic block has none of its own.
    with pytest.raises(PermissionError), transaction.atomic():
        change(ModerationLogEntry.objects.all())

    assert list(ModerationLogEntry.objects.values_list("pk", "reason")) == [(entry.pk, "Insults.")]


def test_the_moderator_of_an_entry_cannot_be_deleted(entry, moderator):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        moderator.delete()


# The admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_admin_lists_the_log_without_adding_or_deleting(admin_client, entry):
    response = admin_client.get(reverse("admin:reviews_moderationlogentry_changelist"))

    assert response.status_code == 200
    model_admin = admin.site._registry[ModerationLogEntry]
    request = response.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert "delete_selected" not in model_admin.get_actions(request)
    page = response.content.decode()
    assert reverse("admin:reviews_moderationlogentry_add") not in page
    assert 'name="action"' not in page


def test_the_admin_change_page_is_read_only_and_refuses_a_post(admin_client, entry):
    url = reverse("admin:reviews_moderationlogentry_change", args=[entry.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"reason": "Rewritten.", "action": "comment-restore"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="reason"' not in page.content.decode()
    assert posted.status_code == 403
    entry.refresh_from_db()
    assert (entry.reason, entry.action) == ("Insults.", Action.COMMENT_HIDE)


@pytest.mark.parametrize("view", ["add", "delete"])
def test_the_admin_add_and_delete_pages_are_forbidden(admin_client, entry, view):
    args = [] if view == "add" else [entry.pk]
    url = reverse(f"admin:reviews_moderationlogentry_{view}", args=args)

    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ModerationLogEntry.objects.count() == 1


def test_the_log_refuses_bulk_rewrites(moderator):
    entry = ModerationLogEntry.objects.create(
        moderator=moderator,
        action="comment-hide",
        target_type="comment",
        target_id=1,
        target_label="x",
        reason="original",
    )

    with pytest.raises(PermissionError):
        ModerationLogEntry.objects.bulk_create(
            [
                ModerationLogEntry(
                    pk=entry.pk,
                    action="comment-hide",
                    target_type="comment",
                    target_id=1,
                    target_label="x",
                    reason="rewritten",
                )
            ],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["reason"],
        )
    with pytest.raises(PermissionError):
        ModerationLogEntry.objects.bulk_update([entry], ["reason"])
    entry.refresh_from_db()
    assert entry.reason == "original"


# The database's own refusal (UPDATE, DELETE, TRUNCATE on PostgreSQL): test_append_only.py.
