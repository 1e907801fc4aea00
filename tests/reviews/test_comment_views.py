"""The conversation's pages: posting, replying, editing, deleting, flagging, their limits, and the
constant query counts of pages full of comments."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Comment, Flag, Objective, Pledge
from tests.factories import (
    CommentFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
    bulk_comments,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("reviews:comment-create")


@pytest.fixture
def pledge(actor_a):
    return PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")


def on(target, field="pledge", **data):
    return {"target": field, "target_id": target.pk, **data}


def textarea(page, name="body"):
    return re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S).group(1)


def article(page, comment):
    found = re.search(rf'id="comment-{comment.pk}">(.*?)</article>', page, re.S)
    return found.group(1) if found else None


def test_a_posted_comment_shows_on_the_pledge_page(client, verified_user, pledge):
    client.force_login(verified_user)

    response = client.post(CREATE, on(pledge, body="Which *provinces*?"))

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{pledge.get_absolute_url()}#comment-{comment.pk}"
    page = client.get(pledge.get_absolute_url()).content.decode()
    shown = article(page, comment)
    assert "Vera Verified" in shown
    assert "Which <em>provinces</em>?" in shown
    assert "edited" not in shown


def test_a_comment_for_an_organisation_shows_it_and_its_kind(client, focal_b, actor_b, pledge):
    client.force_login(focal_b)
    form = client.get(pledge.get_absolute_url()).context["comment_form"]
    assert (actor_b.pk, "Organisation B (Member state)") in form.fields["actor"].choices

    client.post(CREATE, on(pledge, body="Our ministry agrees.", actor=actor_b.pk))

    comment = Comment.objects.get()
    assert comment.actor == actor_b
    shown = article(client.get(pledge.get_absolute_url()).content.decode(), comment)
    assert f'for <a href="{actor_b.get_absolute_url()}">Organisation B</a>' in shown
    assert '<span class="badge">Member state</span>' in shown


def test_posting_for_an_organisation_one_does_not_belong_to_is_refused(
    client, focal_b, actor_a, pledge
):
    client.force_login(focal_b)

    response = client.post(CREATE, on(pledge, body="Speaking for A.", actor=actor_a.pk))

    assert response.status_code == 400
    assert response.context["form"].errors["actor"]
    assert "Speaking for A." in textarea(response.content.decode())
    assert not Comment.objects.exists()


def test_a_reply_to_a_reply_is_attached_to_the_first_comment(client, verified_user, pledge):
    top = CommentFactory(pledge=pledge)
    reply = CommentFactory(pledge=pledge, parent=top)
    client.force_login(verified_user)

    client.post(CREATE, on(pledge, body="Answering the reply.", parent=reply.pk))

    answer = Comment.objects.latest("pk")
    assert answer.parent == top
    page = client.get(pledge.get_absolute_url()).content.decode()
    replies = re.search(rf'id="comment-{top.pk}">.*?<ol class="replies">(.*?)</ol>', page, re.S)
    assert f'id="comment-{reply.pk}"' in replies.group(1)
    assert f'id="comment-{answer.pk}"' in replies.group(1)


@pytest.mark.parametrize("status", [Pledge.Status.DRAFT, Pledge.Status.SUBMITTED])
def test_an_unpublished_pledge_takes_no_comment(client, focal_a, actor_a, status):
    pledge = PledgeFactory(lead=actor_a, status=status)
    client.force_login(focal_a)

    page = client.get(pledge.get_absolute_url())
    response = client.post(CREATE, on(pledge, body="Early thoughts."))

    assert 'class="comment-form"' not in page.content.decode()
    assert response.status_code == 400
    assert "This cannot be commented on." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_outsider_cannot_even_find_a_draft_to_comment_on(client, verified_user, actor_a):
    draft = PledgeFactory(lead=actor_a)
    client.force_login(verified_user)

    assert client.post(CREATE, on(draft, body="Hello?")).status_code == 404
    assert not Comment.objects.exists()


def test_a_hidden_progress_update_is_no_place_to_comment(client, verified_user, pledge):
    update = ProgressUpdateFactory(pledge=pledge, is_hidden=True)
    client.force_login(verified_user)

    response = client.post(CREATE, on(update, "progress_update", body="On the hidden one."))

    assert response.status_code == 404  # what a moderator hid does not exist for others
    assert not Comment.objects.exists()


def test_a_moderator_is_told_a_hidden_progress_update_takes_no_comment(client, moderator, pledge):
    update = ProgressUpdateFactory(pledge=pledge, is_hidden=True)
    client.force_login(moderator)

    response = client.post(CREATE, on(update, "progress_update", body="On the hidden one."))

    assert response.status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.parametrize("field", ["", "author", "flag"])
def test_an_unknown_place_for_a_comment_is_a_404(client, verified_user, pledge, field):
    client.force_login(verified_user)

    assert client.post(CREATE, on(pledge, field, body="Where?")).status_code == 404
    assert (
        client.post(CREATE, {"target": "pledge", "target_id": "x", "body": "?"}).status_code == 404
    )


def test_too_many_comments_show_the_form_again_with_a_429_and_the_text(
    client, verified_user, pledge, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    limit, _window = services.COMMENT_RATE
    client.force_login(verified_user)
    for n in range(limit):
        assert client.post(CREATE, on(pledge, body=f"Comment {n}.")).status_code == 302

    response = client.post(CREATE, on(pledge, body="My long and careful eleventh comment."))

    assert response.status_code == 429
    page = response.content.decode()
    assert f"You have posted {limit} times in a short while; please wait a few minutes." in page
    assert "My long and careful eleventh comment." in textarea(page)
    assert Comment.objects.count() == limit


def test_too_many_flags_show_the_form_again_with_a_429_and_the_text(
    client, verified_user, pledge, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    limit, _window = services.FLAG_RATE
    comments = [CommentFactory(pledge=pledge) for _ in range(limit + 1)]
    client.force_login(verified_user)
    for comment in comments[:limit]:
        url = reverse("reviews:flag", args=["comment", comment.pk])
        assert client.post(url, {"reason": "spam"}).status_code == 302

    response = client.post(
        reverse("reviews:flag", args=["comment", comments[-1].pk]),
        {"reason": "other", "text": "Quotes a private e-mail."},
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "please wait a few minutes" in page
    assert 'value="Quotes a private e-mail."' in page
    assert Flag.objects.count() == limit


def test_flagging_twice_is_a_form_error_and_adds_no_flag(client, verified_user, pledge):
    comment = CommentFactory(pledge=pledge)
    url = reverse("reviews:flag", args=["comment", comment.pk])
    client.force_login(verified_user)
    first = client.post(url, {"reason": "spam"})

    again = client.post(url, {"reason": "offensive"})

    assert first.status_code == 302
    assert first["Location"] == pledge.get_absolute_url()
    assert again.status_code == 400
    assert "You have already flagged this." in again.content.decode()
    assert Flag.objects.get().reason == "spam"


def test_other_without_a_word_is_a_form_error(client, verified_user, pledge):
    comment = CommentFactory(pledge=pledge)
    client.force_login(verified_user)

    response = client.post(
        reverse("reviews:flag", args=["comment", comment.pk]), {"reason": "other"}
    )

    assert response.status_code == 400
    assert "Say what is wrong." in response.content.decode()
    assert not Flag.objects.exists()


def test_flagging_a_progress_update_goes_back_to_the_pledge(client, verified_user, pledge):
    update = ProgressUpdateFactory(pledge=pledge)
    client.force_login(verified_user)

    response = client.post(reverse("reviews:flag", args=["update", update.pk]), {"reason": "spam"})

    assert response["Location"] == pledge.get_absolute_url()
    assert Flag.objects.get().progress_update == update


def test_the_author_edits_within_fifteen_minutes_and_the_comment_is_marked_edited(
    client, verified_user, pledge, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    comment = CommentFactory(pledge=pledge, author=verified_user, body="Frist thoughts.")
    url = reverse("reviews:comment-edit", args=[comment.pk])
    client.force_login(verified_user)
    time_machine.shift(dt.timedelta(minutes=14))

    assert "Frist thoughts." in textarea(client.get(url).content.decode())
    response = client.post(url, {"body": "First thoughts."})

    assert response.status_code == 302
    shown = article(client.get(pledge.get_absolute_url()).content.decode(), comment)
    assert "First thoughts." in shown
    assert "· edited" in shown


def test_after_fifteen_minutes_the_edit_is_refused_and_the_text_kept(
    client, verified_user, pledge, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    comment = CommentFactory(pledge=pledge, author=verified_user, body="As posted.")
    client.force_login(verified_user)
    time_machine.shift(dt.timedelta(minutes=15, seconds=1))

    response = client.post(
        reverse("reviews:comment-edit", args=[comment.pk]), {"body": "A late change."}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Comments can be edited for 15 minutes after posting." in page
    assert "A late change." in textarea(page)
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("As posted.", None)


def test_deleting_a_comment_with_replies_leaves_a_placeholder_and_the_replies(
    client, verified_user, pledge
):
    comment = CommentFactory(pledge=pledge, author=verified_user, body="Regretted words.")
    reply = CommentFactory(pledge=pledge, parent=comment, body="A reply worth keeping.")
    client.force_login(verified_user)

    response = client.post(reverse("reviews:comment-delete", args=[comment.pk]))

    assert response["Location"] == pledge.get_absolute_url()
    page = client.get(pledge.get_absolute_url()).content.decode()
    shown = article(page, comment)
    assert "Deleted by author." in shown
    assert "Regretted words." not in page
    assert "A reply worth keeping." in article(page, reply)


def test_deleting_a_comment_without_replies_removes_it(client, verified_user, pledge):
    comment = CommentFactory(pledge=pledge, author=verified_user, body="Regretted words.")
    client.force_login(verified_user)

    client.post(reverse("reviews:comment-delete", args=[comment.pk]))

    page = client.get(pledge.get_absolute_url()).content.decode()
    assert not Comment.objects.exists()
    assert "Regretted words." not in page
    assert "Deleted by author." not in page


def test_deleting_needs_a_post(client, verified_user, pledge):
    comment = CommentFactory(pledge=pledge, author=verified_user)
    client.force_login(verified_user)

    assert client.get(reverse("reviews:comment-delete", args=[comment.pk])).status_code == 405
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_signing_in_is_offered_to_anonymous_readers(client, pledge):
    page = client.get(pledge.get_absolute_url()).content.decode()

    assert "to join the conversation" in page
    assert 'class="comment-form"' not in page


# Query counts ---------------------------------------------------------------------------------


def conversation_of(pledge, size, authors, actor):
    """`size` comments and replies, over the pledge and two of its progress updates."""
    updates = [ProgressUpdateFactory(pledge=pledge) for _ in range(2)]
    if size == 2:  # one in each kind of thread: an empty thread skips its replies query
        bulk_comments(1, authors=authors, pledge=pledge)
        bulk_comments(1, authors=authors, actor=actor, progress_update=updates[0])
        return
    for target, count in [
        ({"pledge": pledge}, 40),
        *[({"progress_update": u}, 30) for u in updates],
    ]:
        tops = bulk_comments(count, authors=authors, actor=actor, **target)
        for top in tops[:count]:
            bulk_comments(1, authors=authors, parent=top)
    assert Comment.objects.count() == size


# Signed in, two queries before the page's own: the session and the user with their roles and
# memberships (actors.permissions.with_roles); and one for the follow button, their follows.
# The page reads the pledge's expected results, its standing endorsements (one query) and its
# questions with their answers (one query), and asks whether a reporting round is open.
PLEDGE_PAGE_QUERIES = {"anonymous": 18, "verified_user": 21, "contributor_a": 22, "moderator": 21}


@pytest.mark.parametrize("size", [2, 200])
@pytest.mark.parametrize("viewer", list(PLEDGE_PAGE_QUERIES))
def test_a_pledge_page_takes_as_many_queries_with_200_comments_as_with_2(
    client, request, django_assert_num_queries, actor_a, pledge, size, viewer
):
    authors = [VerifiedUserFactory() for _ in range(3)]
    conversation_of(pledge, size, authors, actor_a)
    CommentFactory(pledge=pledge, is_hidden=True, hidden_reason="Spam")
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))

    with django_assert_num_queries(PLEDGE_PAGE_QUERIES[viewer]):
        response = client.get(pledge.get_absolute_url())

    assert response.status_code == 200
    assert response.content.decode().count('<article class="comment') == size + (
        viewer == "moderator"
    )


@pytest.mark.parametrize("size", [2, 200])
def test_an_objective_page_takes_as_many_queries_with_200_comments_as_with_2(
    client, django_assert_num_queries, verified_user, size
):
    objective = Objective.objects.get(number=7)
    authors = [VerifiedUserFactory() for _ in range(3)]
    tops = bulk_comments(size // 2, authors=authors, objective=objective)
    for top in tops:
        bulk_comments(1, authors=authors, parent=top)
    client.force_login(verified_user)

    # The objective page's own, uncached (tests/reviews/test_page_queries.py), its follow button's.
    with django_assert_num_queries(15):
        response = client.get(objective.get_absolute_url())

    assert response.content.decode().count('<article class="comment') == size


def test_each_comment_action_says_which_comment_it_acts_on(client, verified_user, pledge):
    CommentFactory(pledge=pledge, author=VerifiedUserFactory(display_name="Ola Other"))
    mine = CommentFactory(pledge=pledge, author=verified_user)
    client.force_login(verified_user)

    html = client.get(pledge.get_absolute_url()).content.decode()

    assert 'Flag<span class="visually-hidden"> the comment by Ola Other</span>' in html
    when = f"{timezone.localtime(mine.created_at):%-d %b %Y %H:%M}"
    assert f'Edit<span class="visually-hidden"> your comment of {when}</span>' in html
    assert f'Delete<span class="visually-hidden"> your comment of {when}</span>' in html
