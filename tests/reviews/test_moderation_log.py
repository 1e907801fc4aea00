"""The moderation log: written once by every moderation action, never changed, read and searched
by the moderators, read-only in the admin."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import ModerationLogEntry, Pledge
from tests.factories import (
    CommentFactory,
    FlagFactory,
    PledgeFactory,
    ProgressUpdateFactory,
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


# One entry per action -------------------------------------------------------------------------


@pytest.fixture
def stage(actor_a, moderator):
    """Something for every moderation action to act on."""
    author = VerifiedUserFactory(display_name="Aut Hor")
    pledge = PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")
    update = ProgressUpdateFactory(pledge=pledge, author=author)
    comment = CommentFactory(pledge=pledge, author=author)
    FlagFactory(comment=comment)
    FlagFactory(comment=None, progress_update=update)
    hidden = CommentFactory(pledge=pledge, author=author, is_hidden=True, hidden_at=timezone.now())
    hidden_update = ProgressUpdateFactory(pledge=pledge, is_hidden=True)
    blocked = VerifiedUserFactory(display_name="Blo Cked", posting_blocked_at=timezone.now())
    return {
        "author": author,
        "pledge": pledge,
        "update": update,
        "comment": comment,
        "hidden": hidden,
        "hidden_update": hidden_update,
        "blocked": blocked,
        "submitted": PledgeFactory(lead=actor_a, submitted=True, title="Waiting for review"),
    }


def _item(kind, item, action):
    return reverse("reviews:moderation-item", args=[kind, item.pk, action])


def _step(pledge, step):
    return reverse("reviews:pledge-transition", args=[pledge.pk, step])


WHY = "Because of the rules."
# action: (url and data, expected log action, target key, target type, reason logged)
ACTIONS = {
    "hide-comment": (
        lambda s: (_item("comment", s["comment"], "hide"), {"reason": WHY}),
        Action.COMMENT_HIDE,
        "comment",
        "comment",
        WHY,
    ),
    "restore-comment": (
        lambda s: (_item("comment", s["hidden"], "restore"), {"reason": WHY}),
        Action.COMMENT_RESTORE,
        "hidden",
        "comment",
        WHY,
    ),
    "dismiss-comment": (
        lambda s: (_item("comment", s["comment"], "dismiss"), {}),
        Action.FLAGS_DISMISS,
        "comment",
        "comment",
        "",
    ),
    "hide-update": (
        lambda s: (_item("update", s["update"], "hide"), {"reason": WHY}),
        Action.UPDATE_HIDE,
        "update",
        "progressupdate",
        WHY,
    ),
    "restore-update": (
        lambda s: (_item("update", s["hidden_update"], "restore"), {}),
        Action.UPDATE_RESTORE,
        "hidden_update",
        "progressupdate",
        "",
    ),
    "dismiss-update": (
        lambda s: (_item("update", s["update"], "dismiss"), {"reason": WHY}),
        Action.FLAGS_DISMISS,
        "update",
        "progressupdate",
        WHY,
    ),
    "block": (
        lambda s: (
            reverse("reviews:moderation-user", args=[s["author"].pk, "block"]),
            {"reason": WHY},
        ),
        Action.USER_BLOCK,
        "author",
        "user",
        WHY,
    ),
    "unblock": (
        lambda s: (reverse("reviews:moderation-user", args=[s["blocked"].pk, "unblock"]), {}),
        Action.USER_UNBLOCK,
        "blocked",
        "user",
        "",
    ),
    "publish": (
        lambda s: (_step(s["submitted"], "publish"), {}),
        Action.PLEDGE_PUBLISH,
        "submitted",
        "pledge",
        "",
    ),
    "return": (
        lambda s: (_step(s["submitted"], "return"), {"reason": WHY}),
        Action.PLEDGE_RETURN,
        "submitted",
        "pledge",
        WHY,
    ),
    "reject": (
        lambda s: (_step(s["submitted"], "reject"), {"reason": WHY}),
        Action.PLEDGE_REJECT,
        "submitted",
        "pledge",
        WHY,
    ),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_moderation_action_writes_exactly_one_entry(client, moderator, stage, name):
    request, action, key, target_type, reason = ACTIONS[name]
    url, data = request(stage)
    client.force_login(moderator)

    response = client.post(url, data)

    assert response.status_code == 302
    [entry] = ModerationLogEntry.objects.all()
    target = stage[key]
    target.refresh_from_db()
    assert entry.moderator == moderator
    assert entry.action == action
    assert (entry.target_type, entry.target_id, entry.target_label) == (
        target_type,
        target.pk,
        str(target),
    )
    assert entry.reason == reason
    if name in {"publish", "return", "reject"}:
        assert stage["submitted"].status != Pledge.Status.SUBMITTED


@pytest.mark.parametrize("kind", ["comment", "update"])
def test_the_third_flag_writes_one_entry_by_the_portal(client, stage, kind):
    item = stage["comment"] if kind == "comment" else stage["update"]
    for user in [VerifiedUserFactory() for _ in range(2)]:
        client.force_login(user)
        client.post(reverse("reviews:flag", args=[kind, item.pk]), {"reason": "spam"})

    [entry] = ModerationLogEntry.objects.all()
    assert entry.moderator is None
    assert entry.action == (
        Action.COMMENT_AUTO_HIDE if kind == "comment" else Action.UPDATE_AUTO_HIDE
    )
    assert entry.target_id == item.pk
    assert entry.reason.startswith("Hidden automatically after 3 flags")


def test_a_refused_action_writes_nothing(client, moderator, stage):
    client.force_login(moderator)

    client.post(_item("comment", stage["comment"], "hide"), {"reason": ""})
    client.post(_step(stage["submitted"], "return"), {"reason": ""})
    client.post(reverse("reviews:moderation-user", args=[stage["author"].pk, "block"]))
    client.post(reverse("reviews:moderation-user", args=[stage["author"].pk, "unblock"]))

    assert not ModerationLogEntry.objects.exists()


# The log page ---------------------------------------------------------------------------------


@pytest.fixture
def history(moderator, administrator):
    pledges = [PledgeFactory(title=f"Pledge about {topic}") for topic in ("farms", "ports")]
    comment = CommentFactory(body="x")
    services.log_moderation(moderator, Action.PLEDGE_PUBLISH, pledges[0])
    services.log_moderation(administrator, Action.PLEDGE_REJECT, pledges[1], "Out of scope.")
    services.log_moderation(moderator, Action.COMMENT_HIDE, comment, "Insults.")
    services.log_moderation(None, Action.COMMENT_AUTO_HIDE, comment, "Three flags.")
    return {"pledges": pledges, "comment": comment}


def listed(client, **params):
    response = client.get(LOG, params)
    assert response.status_code == 200
    return [(e.action, e.target_label) for e in response.context["page"]]


def test_the_log_shows_every_entry_newest_first(client, moderator, history):
    client.force_login(moderator)

    response = client.get(LOG)

    assert [e.action for e in response.context["page"]] == [
        Action.COMMENT_AUTO_HIDE,
        Action.COMMENT_HIDE,
        Action.PLEDGE_REJECT,
        Action.PLEDGE_PUBLISH,
    ]
    page = response.content.decode()
    assert "the portal (automatic)" in page
    assert "Out of scope." in page
    assert "Entries cannot be changed or deleted." in page


def test_the_log_filters_by_action(client, moderator, history):
    client.force_login(moderator)

    assert listed(client, action=Action.PLEDGE_REJECT) == [
        (Action.PLEDGE_REJECT, "Pledge about ports")
    ]
    assert len(listed(client, action=Action.COMMENT_HIDE)) == 1
    assert listed(client, action=Action.USER_BLOCK) == []


def test_the_log_searches_by_target_and_by_moderator(client, moderator, history):
    client.force_login(moderator)

    assert listed(client, q="FARMS") == [(Action.PLEDGE_PUBLISH, "Pledge about farms")]
    assert {a for a, _ in listed(client, q="pledge about")} == {
        Action.PLEDGE_PUBLISH,
        Action.PLEDGE_REJECT,
    }
    assert [a for a, _ in listed(client, moderator="Ada")] == [Action.PLEDGE_REJECT]
    assert listed(client, q="ports", action=Action.PLEDGE_PUBLISH) == []


def test_the_log_page_keeps_its_query_count_for_many_entries(
    client, moderator, django_assert_num_queries
):
    comments = [CommentFactory(body="x") for _ in range(3)]
    for n in range(60):
        services.log_moderation(moderator, Action.COMMENT_HIDE, comments[n % 3], f"R{n}")
    client.force_login(moderator)

    with django_assert_num_queries(7):  # no COUNT: the page fetches one row more instead
        response = client.get(LOG, {"page": 2})

    assert len(response.context["page"]) == 10


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


def test_on_postgresql_the_database_itself_refuses_raw_changes(moderator):
    entry = ModerationLogEntry.objects.create(
        moderator=moderator,
        action="comment-hide",
        target_type="comment",
        target_id=1,
        target_label="x",
        reason="original",
    )
    if connection.vendor == "postgresql":
        for statement in (
            "UPDATE reviews_moderationlogentry SET reason = 'rewritten' WHERE id = %s",
            "DELETE FROM reviews_moderationlogentry WHERE id = %s",
        ):
            with (
                pytest.raises(DatabaseError, match="cannot be changed"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement, [entry.pk])
    else:
        # SQLite has no such trigger (a test flush deletes rows); the model guards it there.
        with pytest.raises(PermissionError):
            entry.delete()
    entry.refresh_from_db()
    assert entry.reason == "original"
