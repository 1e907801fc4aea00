"""The moderators' queue as they work it: each flagged item with its flag reasons and where it
stands, a "Hidden" tab to restore from, and what hiding a thread does; in constant queries."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from reviews.models import Comment, Flag, Objective
from tests.factories import (
    CommentFactory,
    DeclarationParagraphFactory,
    FlagFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    ReviewCycleFactory,
)
from tests.html import button_names, repeated_names

pytestmark = pytest.mark.django_db

QUEUE = reverse("reviews:moderation")
HIDDEN = reverse("reviews:moderation-hidden")
R = Flag.Reason


def item_url(kind, item, action):
    return reverse("reviews:moderation-item", args=[kind, item.pk, action])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def pledge(actor_a):
    return PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")


def test_the_queue_shows_every_open_flag_reason_with_counts_and_the_flaggers_notes(
    client, moderator, pledge
):
    comment = CommentFactory(pledge=pledge, body="Buy cheap visas here.")
    FlagFactory(comment=comment, reason=R.SPAM)
    FlagFactory(comment=comment, reason=R.SPAM, text="Same link posted five times.")
    FlagFactory(comment=comment, reason=R.OTHER, text="Looks like a scam.")
    FlagFactory(comment=comment, reason=R.OFFENSIVE, dismissed_at=timezone.now())
    client.force_login(moderator)

    page = client.get(QUEUE).content.decode()

    assert 'Spam <span class="badge">2</span>' in page
    assert 'Other <span class="badge">1</span>' in page
    assert "Offensive or abusive" not in page, "a dismissed flag is not a reason any more"
    assert "Same link posted five times." in page and "Looks like a scam." in page


def test_the_queue_says_where_each_item_stands(client, moderator, pledge):
    objective = Objective.objects.get(number=7)
    paragraph = DeclarationParagraphFactory(cycle=ReviewCycleFactory(slug="a-cycle"))
    update = ProgressUpdateFactory(pledge=pledge, narrative="Half the desks are open.")
    top = CommentFactory(pledge=pledge, body="Where are the desks in the north?")
    flagged = [
        CommentFactory(pledge=pledge, parent=top, body="A reply that was flagged."),
        CommentFactory(pledge=None, objective=objective, body="On the objective."),
        CommentFactory(pledge=None, paragraph=paragraph, body="On the paragraph."),
        CommentFactory(pledge=None, progress_update=update, body="On the report."),
    ]
    for comment in flagged:
        FlagFactory(comment=comment)
    FlagFactory(comment=None, progress_update=update)
    client.force_login(moderator)

    page = client.get(QUEUE).content.decode()

    assert "A reply to" in page and "“Where are the desks in the north?”" in page
    assert f"objective 7: {objective.title}" in page
    assert str(paragraph) in page
    assert "On a progress report" in page
    assert page.count("On the pledge <a") >= 2, "the reply's pledge and the flagged report's"
    for comment in flagged:
        assert f'href="{comment.get_absolute_url()}"' in page


def test_hiding_a_comment_with_replies_says_that_they_are_hidden_with_it(client, moderator, pledge):
    top = CommentFactory(pledge=pledge, body="A thread.")
    CommentFactory(pledge=pledge, parent=top)
    CommentFactory(pledge=pledge, parent=top)
    CommentFactory(pledge=pledge, parent=top, is_hidden=True)
    FlagFactory(comment=top)
    client.force_login(moderator)

    queue = client.get(QUEUE).content.decode()
    hidden = client.post(item_url("comment", top, "hide"), {"reason": "Off-topic thread."})

    assert "Its 2 replies will be hidden with it" in queue
    assert messages_of(hidden) == ["Hidden, with its 2 replies."]
    assert not Comment.objects.public().filter(parent=top).exists()


def test_hiding_in_bulk_counts_the_replies_hidden_with_their_comments(client, moderator, pledge):
    first, second = CommentFactory(pledge=pledge), CommentFactory(pledge=pledge)
    CommentFactory(pledge=pledge, parent=first)
    CommentFactory(pledge=pledge, parent=second)
    client.force_login(moderator)

    response = client.post(
        reverse("reviews:moderation-bulk"),
        {"action": "hide", "reason": "Spam.", "comment": [first.pk, second.pk]},
    )

    assert messages_of(response) == ["2 items done, with 2 replies hidden with their comments."]


def test_hiding_a_comment_without_replies_says_only_hidden(client, moderator, pledge):
    comment = CommentFactory(pledge=pledge)
    FlagFactory(comment=comment)
    client.force_login(moderator)

    queue = client.get(QUEUE).content.decode()
    hidden = client.post(item_url("comment", comment, "hide"), {"reason": "Spam."})

    assert "will be hidden with it" not in queue
    assert messages_of(hidden) == ["Hidden."]


def test_the_hidden_tab_lists_hidden_items_and_restores_them(client, moderator, pledge):
    comment = CommentFactory(pledge=pledge, body="Hidden words.")
    update = ProgressUpdateFactory(pledge=pledge, narrative="A hidden report.")
    client.force_login(moderator)
    client.post(item_url("comment", comment, "hide"), {"reason": "Personal data."})
    client.post(item_url("update", update, "hide"), {"reason": "Names a person."})

    queue = client.get(QUEUE).content.decode()
    comments = client.get(HIDDEN).content.decode()
    updates = client.get(HIDDEN, {"kind": "update"}).content.decode()
    restored = client.post(item_url("comment", comment, "restore"), {"back": "hidden"})

    assert "Hidden words." not in queue, "hidden by a moderator, it leaves the queue"
    assert "Hidden words." in comments and "Personal data." in comments
    assert "A hidden report." in updates and "Hidden words." not in updates
    assert item_url("comment", comment, "restore") in comments
    assert restored.url == HIDDEN + "?kind=comment"
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_the_hidden_tab_is_paginated_and_takes_any_kind(client, moderator, pledge):
    for n in range(30):
        CommentFactory(pledge=pledge, body=f"Hidden {n}.", is_hidden=True, hidden_at=timezone.now())
    client.force_login(moderator)

    first = client.get(HIDDEN)
    second = client.get(HIDDEN, {"page": 2})
    odd = client.get(HIDDEN, {"kind": "<script>"})

    assert len(first.context["page"]) == 25 and first.context["page"].has_next
    assert len(second.context["page"]) == 5
    assert odd.status_code == 200 and odd.context["kind"] == "comment"


@pytest.mark.parametrize("persona", ["anonymous", "verified_user", "moderator_without_mfa"])
def test_the_hidden_tab_is_for_moderators_only(client, as_persona, persona):
    as_persona(persona)

    response = client.get(HIDDEN)

    assert response.status_code in (302, 403, 404)


def flag_items(pledge, n):
    """n flagged comments of each kind of place and thread, and n flagged progress reports."""
    objective = Objective.objects.get(number=3)
    for i in range(n):
        update = ProgressUpdateFactory(pledge=pledge)
        top = CommentFactory(pledge=pledge)
        CommentFactory(pledge=pledge, parent=top)
        for comment in (
            top,
            CommentFactory(pledge=pledge, parent=top),
            CommentFactory(pledge=None, objective=objective),
            CommentFactory(pledge=None, progress_update=update),
        ):
            FlagFactory(comment=comment, reason=R.OTHER, text=f"Note {i}.")
        FlagFactory(comment=None, progress_update=update)


# The session, the user with their roles and memberships (actors.permissions.with_roles); the
# flagged comments, the flagged updates, the flagged questions, the flagged answers, the open
# flags of them all (one query), the submitted pledges (none here, so no query for their
# partnerships), the proposed organisations.
QUEUE_QUERIES = 9


@pytest.mark.parametrize("items", [1, 10])
def test_the_queue_costs_the_same_queries_at_1_and_10_flagged_items(
    client, django_assert_num_queries, moderator, pledge, items
):
    flag_items(pledge, items)
    client.force_login(moderator)

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE)

    assert len(response.context["flagged_comments"]) == 4 * items
    assert len(response.context["flagged_updates"]) == items


# The session and the user with their roles and memberships as above, then the page of comments
# and their open flags.
HIDDEN_QUERIES = 4


@pytest.mark.parametrize("items", [1, 10])
def test_the_hidden_tab_costs_the_same_queries_at_1_and_10_items(
    client, django_assert_num_queries, moderator, pledge, items
):
    flag_items(pledge, items)
    Comment.objects.update(is_hidden=True, hidden_at=timezone.now())
    client.force_login(moderator)

    with django_assert_num_queries(HIDDEN_QUERIES):
        response = client.get(HIDDEN)

    assert len(response.context["page"]) == min(25, 5 * items)


def test_every_action_of_the_queue_names_the_item_it_acts_on(client, moderator, pledge, actor_a):
    for body in ("First flagged comment.", "Second flagged comment."):
        FlagFactory(comment=CommentFactory(pledge=pledge, body=body))
    FlagFactory(comment=None, progress_update=ProgressUpdateFactory(pledge=pledge))
    for title in ("First submitted pledge", "Second submitted pledge"):
        PledgeFactory(lead=actor_a, submitted=True, title=title)
    hidden = CommentFactory(pledge=pledge, is_hidden=True, hidden_at=timezone.now())
    FlagFactory(comment=hidden)
    client.force_login(moderator)

    for page in (QUEUE, HIDDEN):
        assert repeated_names(client.get(page)) == []
    assert "Publish “First submitted pledge”" in button_names(client.get(QUEUE))
