"""Moderating the conversation: what hidden items look like to the public and to moderators, the
queue, hiding, restoring, dismissing, blocking, bulk actions and the transparency page."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from actors.models import Notification
from actors.models.notifications import Kind
from reviews import services
from reviews.models import Comment, Flag, ModerationLogEntry, Objective, Pledge
from tests.factories import (
    CommentFactory,
    DeclarationParagraphFactory,
    FlagFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    ReviewCycleFactory,
    RoundTableFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

MODERATION = reverse("reviews:moderation")


@pytest.fixture
def author(db):
    return VerifiedUserFactory(display_name="Aut Hor", email="author@example.org")


@pytest.fixture
def pledge(actor_a):
    return PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")


def hidden(**target):
    return CommentFactory(
        body="A secret address: 12 Hidden Street.",
        is_hidden=True,
        hidden_reason="Reveals personal data.",
        hidden_at=timezone.now(),
        **target,
    )


def item_url(kind, item, action):
    return reverse("reviews:moderation-item", args=[kind, item.pk, action])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def hidden_everywhere(pledge, author):
    """One visible and one hidden comment on each kind of page, and a hidden progress update."""
    objective = Objective.objects.get(number=7)
    cycle = ReviewCycleFactory(slug="test-cycle")
    table = RoundTableFactory(cycle=cycle)
    paragraph = DeclarationParagraphFactory(cycle=cycle)
    update = ProgressUpdateFactory(pledge=pledge, narrative="Visible report.")
    top = CommentFactory(pledge=pledge, body="Visible on the pledge.")
    places = [
        {"pledge": None, "objective": objective},
        {"pledge": pledge},
        {"pledge": None, "progress_update": update},
        {"pledge": None, "round_table": table},
        {"pledge": None, "paragraph": paragraph},
    ]
    for place in places:
        CommentFactory(body="Visible words.", **place)
        hidden(**place)
    CommentFactory(pledge=pledge, parent=top, author=author, body="Visible reply.")
    hidden(pledge=pledge, parent=top, author=author)
    ProgressUpdateFactory(
        pledge=pledge, narrative="Report naming a person.", is_hidden=True, hidden_reason="Names."
    )
    return {"objective": objective, "cycle": cycle, "pledge": pledge}


PUBLIC = ["anonymous", "verified_user", "author", "focal_a", "moderator_without_mfa"]


@pytest.mark.parametrize("persona", PUBLIC)
def test_hidden_items_never_appear_to_the_public(client, request, hidden_everywhere, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    pages = {
        "objective": client.get(hidden_everywhere["objective"].get_absolute_url()),
        "pledge": client.get(hidden_everywhere["pledge"].get_absolute_url()),
        "cycle": client.get(hidden_everywhere["cycle"].get_absolute_url()),
        "transparency": client.get(reverse("reviews:transparency")),
    }

    for name, response in pages.items():
        page = response.content.decode()
        assert response.status_code == 200
        assert "12 Hidden Street" not in page, name
        assert "Report naming a person." not in page, name
        assert "Reveals personal data." not in page, name
        assert "Hidden" not in page.replace("visually-hidden", ""), name
    assert pages["pledge"].content.decode().count("Visible") == 5
    assert "Comments on this report (1)" in pages["pledge"].content.decode()
    cycle = pages["cycle"].content.decode()
    assert cycle.count("Comments (1)") == 2, "the counts leave hidden comments out"


def test_moderators_see_hidden_items_marked_as_such(client, moderator, hidden_everywhere):
    client.force_login(moderator)

    pledge = client.get(hidden_everywhere["pledge"].get_absolute_url()).content.decode()
    cycle = client.get(hidden_everywhere["cycle"].get_absolute_url()).content.decode()
    objective = client.get(hidden_everywhere["objective"].get_absolute_url()).content.decode()

    assert pledge.count("12 Hidden Street") == 3, "on the pledge, a reply and an update"
    assert "Report naming a person." in pledge
    assert pledge.count('<span class="badge badge-red">Hidden</span>') == 4
    assert "Reveals personal data." in pledge
    assert cycle.count("Comments (2)") == 2
    assert objective.count("12 Hidden Street") == 1
    assert 'class="comment comment-hidden"' in objective


def test_the_transparency_page_counts_without_personal_data(client, pledge, author, moderator):
    comment = CommentFactory(pledge=pledge, author=author, body="Call me on 555-0101.")
    for user in [VerifiedUserFactory() for _ in range(3)]:
        services.flag_create(user=user, reason=Flag.Reason.PERSONAL_DATA, comment=comment)
    other = CommentFactory(pledge=pledge, author=author, body="Rude words.")
    services.item_hide(item=other, moderator=moderator, reason="Insults Aut Hor's neighbour.")

    page = client.get(reverse("reviews:transparency")).content.decode()

    assert "1 × comment hidden by flags; 1 × hid a comment" in page
    assert "reveals personal data 3" in page
    for private in ["555-0101", "Rude words", "Aut Hor", "Mo Derator", "neighbour", "author@"]:
        assert private not in page


def test_the_queue_lists_flagged_and_auto_hidden_items_newest_flag_first(
    client, moderator, pledge, author, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    older = CommentFactory(pledge=pledge, author=author, body="Flagged first.")
    FlagFactory(comment=older)
    time_machine.shift(60)
    update = ProgressUpdateFactory(pledge=pledge, author=author, narrative="A flagged report.")
    FlagFactory(comment=None, progress_update=update, reason="off-topic")
    time_machine.shift(60)
    newer = CommentFactory(pledge=pledge, author=author, body="Flagged three times.")
    for user in [VerifiedUserFactory() for _ in range(3)]:
        services.flag_create(user=user, reason=Flag.Reason.SPAM, comment=newer)
    CommentFactory(pledge=pledge, body="Never flagged.")
    client.force_login(moderator)

    response = client.get(MODERATION)

    assert response.context["flagged_comments"] == [newer, older]
    assert response.context["flagged_updates"] == [update]
    assert response.context["counts"] == {
        "pledges": 0,
        "comments": 2,
        "updates": 1,
        "questions": 0,
        "auto_hidden": 1,
    }
    page = response.content.decode()
    assert "Never flagged." not in page
    newest = re.search(rf'id="comment-{newer.pk}">(.*?)</article>', page, re.S).group(1)
    assert "3 open flags" in newest
    assert "Hidden by flags" in newest
    assert "Restore" in newest


def test_a_moderator_hides_a_comment_with_a_reason_the_author_reads(
    client, moderator, pledge, author
):
    comment = CommentFactory(pledge=pledge, author=author)
    FlagFactory(comment=comment)
    client.force_login(moderator)

    response = client.post(item_url("comment", comment, "hide"), {"reason": "Off-topic insult."})

    assert response["Location"] == MODERATION
    assert messages_of(response) == ["Hidden."]
    comment.refresh_from_db()
    assert (comment.is_hidden, comment.auto_hidden, comment.hidden_reason) == (
        True,
        False,
        "Off-topic insult.",
    )
    assert not comment.flags.filter(dismissed_at__isnull=True).exists()
    told = Notification.objects.get(user=author)
    assert (told.kind, told.title, told.body) == (
        Kind.MODERATION,
        "A moderator hid your contribution",
        "Reason: Off-topic insult.",
    )


def test_hiding_without_a_reason_changes_nothing(client, moderator, pledge):
    comment = CommentFactory(pledge=pledge)
    client.force_login(moderator)

    response = client.post(item_url("comment", comment, "hide"), {"reason": "   "})

    assert messages_of(response) == ["Give a reason; the author will read it."]
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModerationLogEntry.objects.exists()
    assert not Notification.objects.exists()


def test_restoring_shows_the_item_again_and_tells_the_author_why(client, moderator, pledge, author):
    comment = CommentFactory(pledge=pledge, author=author, body="Fine after all.")
    for user in [VerifiedUserFactory() for _ in range(3)]:
        services.flag_create(user=user, reason=Flag.Reason.SPAM, comment=comment)
    Notification.objects.all().delete()
    client.force_login(moderator)

    client.post(item_url("comment", comment, "restore"), {"reason": "Not spam."})

    comment.refresh_from_db()
    assert (comment.is_hidden, comment.auto_hidden, comment.hidden_reason) == (False, False, "")
    assert not comment.flags.filter(dismissed_at__isnull=True).exists()
    told = Notification.objects.get(user=author)
    assert (told.title, told.body) == ("A moderator restored your contribution", "Not spam.")
    assert "Fine after all." in client.get(pledge.get_absolute_url()).content.decode()
    assert client.get(MODERATION).context["counts"]["comments"] == 0, "it left the queue"


def test_restoring_an_item_that_is_not_hidden_changes_nothing(client, moderator, pledge, author):
    comment = CommentFactory(pledge=pledge, author=author)
    FlagFactory(comment=comment)
    client.force_login(moderator)

    response = client.post(item_url("comment", comment, "restore"))

    assert messages_of(response) == ["It is not hidden."]
    assert not ModerationLogEntry.objects.exists()
    assert not Notification.objects.filter(user=author).exists()
    assert comment.flags.get().dismissed_at is None


def test_dismissing_the_flags_keeps_the_item_and_empties_the_queue(client, moderator, pledge):
    comment = CommentFactory(pledge=pledge, body="Harsh but fair.")
    FlagFactory(comment=comment)
    FlagFactory(comment=comment)
    client.force_login(moderator)

    response = client.post(item_url("comment", comment, "dismiss"))

    assert messages_of(response) == ["Flags dismissed."]
    assert Flag.objects.filter(dismissed_at__isnull=True).count() == 0
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert client.get(MODERATION).context["flagged_comments"] == []


def test_hiding_a_progress_update_moves_the_implementation_status_back(
    client, moderator, pledge, focal_a
):
    first = ProgressUpdateFactory(pledge=pledge, stage=Pledge.ImplementationStatus.IN_PROGRESS)
    last = ProgressUpdateFactory(
        pledge=pledge, stage=Pledge.ImplementationStatus.COMPLETED, author=focal_a
    )
    Pledge.objects.filter(pk=pledge.pk).update(implementation_status=last.stage)
    client.force_login(moderator)

    client.post(item_url("update", last, "hide"), {"reason": "Claims too much."})

    pledge.refresh_from_db()
    assert pledge.implementation_status == first.stage
    assert Notification.objects.get(user=focal_a).body == "Reason: Claims too much."
    client.post(item_url("update", last, "restore"))
    pledge.refresh_from_db()
    assert pledge.implementation_status == Pledge.ImplementationStatus.COMPLETED


def test_a_blocked_person_cannot_post_until_unblocked(client, moderator, pledge, author):
    CommentFactory(pledge=pledge, author=author, body="Still shown.")
    block = reverse("reviews:moderation-user", args=[author.pk, "block"])
    client.force_login(moderator)

    assert messages_of(client.post(block, {"reason": ""})) == ["Give a reason."]
    response = client.post(block, {"reason": "Repeated insults."})

    assert messages_of(response)[-1] == "Aut Hor can no longer post."
    author.refresh_from_db()
    assert author.posting_blocked_at is not None
    client.force_login(author)
    data = {"target": "pledge", "target_id": pledge.pk, "body": "Let me in."}
    assert client.post(reverse("reviews:comment-create"), data).status_code == 403
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert "Still shown." in page, "what they posted stays unless hidden"
    client.force_login(moderator)
    client.post(reverse("reviews:moderation-user", args=[author.pk, "unblock"]))
    client.force_login(author)
    assert client.post(reverse("reviews:comment-create"), data).status_code == 302


def test_bulk_hide_hides_every_selected_item_with_one_reason(client, moderator, pledge):
    comments = [CommentFactory(pledge=pledge) for _ in range(3)]
    update = ProgressUpdateFactory(pledge=pledge)
    client.force_login(moderator)

    response = client.post(
        reverse("reviews:moderation-bulk"),
        {
            "action": "hide",
            "reason": "Spam wave.",
            "comment": [comments[0].pk, comments[1].pk, "x"],
            "update": [update.pk],
        },
    )

    assert messages_of(response) == ["3 items done."]
    assert set(Comment.objects.filter(is_hidden=True)) == set(comments[:2])
    update.refresh_from_db()
    assert update.hidden_reason == "Spam wave."
    assert ModerationLogEntry.objects.count() == 3


@pytest.mark.parametrize(
    "data,message",
    [
        ({"action": "hide", "reason": ""}, "Hiding needs a reason; nothing was changed."),
        ({"action": "delete", "reason": "x"}, "Choose what to do with the selected items."),
        ({"reason": "x"}, "Choose what to do with the selected items."),
    ],
)
def test_a_bulk_action_without_what_it_needs_changes_nothing(
    client, moderator, pledge, data, message
):
    comment = CommentFactory(pledge=pledge)
    client.force_login(moderator)

    response = client.post(reverse("reviews:moderation-bulk"), {**data, "comment": [comment.pk]})

    assert messages_of(response) == [message]
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModerationLogEntry.objects.exists()


def test_bulk_restore_skips_what_is_not_hidden(client, moderator, pledge, author):
    shown = CommentFactory(pledge=pledge, author=author)
    FlagFactory(comment=shown)
    gone = hidden(pledge=pledge, author=author)
    client.force_login(moderator)

    response = client.post(
        reverse("reviews:moderation-bulk"), {"action": "restore", "comment": [shown.pk, gone.pk]}
    )

    assert messages_of(response) == ["1 item done; 1 skipped: It is not hidden."]
    gone.refresh_from_db()
    assert not gone.is_hidden
    assert [e.target_id for e in ModerationLogEntry.objects.all()] == [gone.pk]
    assert Notification.objects.filter(user=author).count() == 1


@pytest.mark.parametrize("flagged", [2, 40])
def test_the_queue_takes_as_many_queries_for_40_items_as_for_2(
    client, moderator, pledge, django_assert_num_queries, flagged
):
    users = [VerifiedUserFactory() for _ in range(2)]
    for n in range(flagged):
        if n % 2:
            item = ProgressUpdateFactory(pledge=pledge)
            Flag.objects.bulk_create(
                Flag(user=u, progress_update=item, reason="spam") for u in users
            )
        else:
            item = CommentFactory(pledge=pledge)
            Flag.objects.bulk_create(Flag(user=u, comment=item, reason="spam") for u in users)
    PledgeFactory(submitted=True)
    client.force_login(moderator)

    # The session, the user with their roles and memberships (actors.permissions.with_roles),
    # the flagged comments, the flagged updates, the flagged questions, the flagged answers, the
    # open flags (with their flaggers) of every kind of item in one query, the submitted
    # pledges, their partnerships, the proposed organisations.
    with django_assert_num_queries(10):
        response = client.get(MODERATION)

    counts = response.context["counts"]
    assert counts["comments"] + counts["updates"] == flagged
