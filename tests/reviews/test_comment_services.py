"""The conversation's services: posting, replying, editing, deleting, flagging and auto-hiding."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from actors.models import Membership, Notification
from actors.models.notifications import Kind
from portal.ratelimit import RateLimited
from reviews import services
from reviews.models import Comment, Flag, ModerationLogEntry, Pledge
from reviews.services.comments import PostingBlocked
from tests.factories import (
    ActorFactory,
    CommentFactory,
    MembershipFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

Action = ModerationLogEntry.Action


@pytest.fixture
def pledge(actor_a):
    return PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")


@pytest.fixture
def author(db):
    return VerifiedUserFactory(display_name="Aut Hor", email="author@example.org")


@pytest.fixture
def comment(pledge, author):
    return CommentFactory(pledge=pledge, author=author, body="Words someone dislikes.")


def post(user, target, body="A comment.", field="pledge", **kwargs):
    return services.comment_post(user=user, target_field=field, target=target, body=body, **kwargs)


def flaggers(count):
    return [VerifiedUserFactory() for _ in range(count)]


def test_a_posted_comment_keeps_its_source_and_safe_html(pledge, author):
    comment = post(author, pledge, "  Some *emphasis* and <b>raw</b> markup.  ")

    comment.refresh_from_db()
    assert comment.body == "Some *emphasis* and <b>raw</b> markup."
    assert comment.body_html == "<p>Some <em>emphasis</em> and &lt;b&gt;raw&lt;/b&gt; markup.</p>\n"
    assert comment.pledge == pledge
    assert comment.actor is None
    assert comment.edited_at is None


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 5001])
def test_an_empty_or_too_long_comment_is_refused(pledge, author, body):
    with pytest.raises(ValidationError):
        post(author, pledge, body)
    assert not Comment.objects.exists()


def test_two_flags_leave_a_comment_visible_and_the_third_person_hides_it(
    comment, author, moderator, moderator_without_mfa
):
    first, second, third = flaggers(3)
    services.flag_create(user=first, reason=Flag.Reason.SPAM, comment=comment)
    services.flag_create(user=second, reason=Flag.Reason.OFFENSIVE, comment=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden, "two flags are not enough"
    assert not ModerationLogEntry.objects.exists()
    assert mail.outbox == []

    services.flag_create(user=third, reason=Flag.Reason.SPAM, comment=comment)

    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.auto_hidden
    assert comment.hidden_at is not None
    why = "Hidden automatically after 3 flags (offensive or abusive, spam), until a moderator "
    assert comment.hidden_reason == why + "reviews it."
    told = Notification.objects.get(user=author)
    assert told.kind == Kind.MODERATION
    assert told.body == comment.hidden_reason
    assert told.url.endswith(f"#comment-{comment.pk}")
    [entry] = ModerationLogEntry.objects.all()
    assert entry.moderator is None, "the portal acted by itself"
    assert (entry.action, entry.target_type, entry.target_id) == (
        Action.COMMENT_AUTO_HIDE,
        "comment",
        comment.pk,
    )
    assert entry.reason == comment.hidden_reason
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {author.email, moderator.email, moderator_without_mfa.email}
    assert comment.hidden_reason in by_address[author.email].body
    assert "hidden automatically" in by_address[moderator.email].subject


def test_a_fourth_flag_on_a_hidden_comment_does_not_hide_it_twice(comment):
    for user in flaggers(3):
        services.flag_create(user=user, reason=Flag.Reason.SPAM, comment=comment)

    services.flag_create(user=VerifiedUserFactory(), reason=Flag.Reason.SPAM, comment=comment)

    assert ModerationLogEntry.objects.count() == 1
    assert comment.flags.count() == 4


def test_the_same_person_flagging_twice_counts_once(comment):
    repeat, other = flaggers(2)
    services.flag_create(user=repeat, reason=Flag.Reason.SPAM, comment=comment)
    services.flag_create(user=other, reason=Flag.Reason.SPAM, comment=comment)

    with pytest.raises(ValidationError, match="already flagged"):
        services.flag_create(user=repeat, reason=Flag.Reason.OFFENSIVE, comment=comment)

    comment.refresh_from_db()
    assert not comment.is_hidden
    assert comment.flags.count() == 2


def test_dismissing_when_no_flag_is_open_changes_and_logs_nothing(comment, moderator):
    with pytest.raises(ValidationError, match="no open flags"):
        services.flags_dismiss(item=comment, moderator=moderator, reason="Nothing to see.")

    assert not ModerationLogEntry.objects.exists()


def test_flags_a_moderator_dismissed_no_longer_count(comment, moderator):
    for user in flaggers(2):
        services.flag_create(user=user, reason=Flag.Reason.SPAM, comment=comment)
    services.flags_dismiss(item=comment, moderator=moderator, reason="Fair criticism.")

    services.flag_create(user=VerifiedUserFactory(), reason=Flag.Reason.SPAM, comment=comment)

    comment.refresh_from_db()
    assert not comment.is_hidden
    assert comment.flags.filter(dismissed_at__isnull=True).count() == 1


def test_other_needs_a_word_of_explanation(comment):
    user = VerifiedUserFactory()
    with pytest.raises(ValidationError, match="Say what is wrong"):
        services.flag_create(user=user, reason=Flag.Reason.OTHER, comment=comment)

    flag = services.flag_create(
        user=user, reason=Flag.Reason.OTHER, text="Copies a private letter.", comment=comment
    )

    assert Flag.objects.get() == flag


def test_three_flags_hide_a_progress_update_and_move_the_status_back(pledge, focal_a):
    earlier = ProgressUpdateFactory(
        pledge=pledge, stage=Pledge.ImplementationStatus.IN_PROGRESS, date=dt.date(2026, 1, 1)
    )
    later = ProgressUpdateFactory(
        pledge=pledge,
        stage=Pledge.ImplementationStatus.COMPLETED,
        date=dt.date(2026, 6, 1),
        author=focal_a,
    )
    pledge.implementation_status = Pledge.ImplementationStatus.COMPLETED
    pledge.save()

    for user in flaggers(3):
        services.flag_create(user=user, reason=Flag.Reason.OFF_TOPIC, progress_update=later)

    later.refresh_from_db()
    pledge.refresh_from_db()
    assert later.is_hidden and later.auto_hidden
    assert pledge.implementation_status == earlier.stage
    entry = ModerationLogEntry.objects.get()
    assert (entry.moderator, entry.action, entry.target_id) == (
        None,
        Action.UPDATE_AUTO_HIDE,
        later.pk,
    )
    assert Notification.objects.get(user=focal_a).body == later.hidden_reason


def test_a_flag_names_exactly_one_item(comment):
    update = ProgressUpdateFactory(pledge=comment.pledge)
    user = VerifiedUserFactory()

    with pytest.raises(ValidationError):
        services.flag_create(user=user, reason="spam")
    with pytest.raises(ValidationError):
        services.flag_create(user=user, reason="spam", comment=comment, progress_update=update)
    assert not Flag.objects.exists()


def test_a_reply_to_a_reply_joins_the_first_comment(comment, pledge):
    first = post(VerifiedUserFactory(), pledge, "First reply.", parent=comment)

    second = post(VerifiedUserFactory(), pledge, "Reply to the reply.", parent=first)

    assert first.parent == comment
    assert second.parent == comment, "replies are one level deep"
    assert list(comment.replies.all()) == [first, second]


def test_a_reply_deeper_than_one_level_is_invalid_at_the_model(comment, pledge):
    reply = CommentFactory(pledge=pledge, parent=comment)
    deeper = CommentFactory.build(pledge=pledge, parent=reply, author=comment.author)

    with pytest.raises(ValidationError, match="one level deep"):
        deeper.full_clean()


def test_a_reply_must_answer_a_visible_comment_of_the_same_target(comment, pledge):
    other_pledge = PledgeFactory(published=True)
    hidden = CommentFactory(pledge=pledge, is_hidden=True)
    user = VerifiedUserFactory()

    with pytest.raises(ValidationError, match="reply to a visible comment"):
        post(user, other_pledge, "Elsewhere.", parent=comment)
    with pytest.raises(ValidationError, match="reply to a visible comment"):
        post(user, pledge, "To the hidden.", parent=hidden)
    assert Comment.objects.filter(author=user).count() == 0


def test_a_comment_for_an_organisation_names_it(pledge, contributor_a, actor_a):
    comment = post(contributor_a, pledge, "Our view.", actor=actor_a)

    assert comment.actor == actor_a


def test_nobody_writes_for_an_organisation_they_do_not_belong_to(pledge, focal_b, actor_a):
    with pytest.raises(ValidationError, match="your own organisations"):
        post(focal_b, pledge, "Pretending.", actor=actor_a)

    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "status",
    [Pledge.Status.DRAFT, Pledge.Status.SUBMITTED, Pledge.Status.RETURNED, Pledge.Status.WITHDRAWN],
)
def test_comments_go_only_on_published_pledges(actor_a, focal_a, status):
    pledge = PledgeFactory(lead=actor_a, status=status)

    with pytest.raises(ValidationError, match="cannot be commented on"):
        post(focal_a, pledge)

    assert services.accepts_comments("pledge", pledge) is False
    assert not Comment.objects.exists()


def test_a_hidden_progress_update_takes_no_comment(pledge, verified_user):
    update = ProgressUpdateFactory(pledge=pledge, is_hidden=True)

    with pytest.raises(ValidationError, match="cannot be commented on"):
        post(verified_user, update, field="progress_update")

    assert not Comment.objects.exists()


def test_an_update_of_a_withdrawn_pledge_takes_no_comment(actor_a, verified_user):
    update = ProgressUpdateFactory(pledge=PledgeFactory(lead=actor_a, published=True))
    Pledge.objects.filter(pk=update.pledge_id).update(status=Pledge.Status.WITHDRAWN)
    update.refresh_from_db()

    with pytest.raises(ValidationError):
        post(verified_user, update, field="progress_update")


def test_the_reference_data_takes_comments(verified_user):
    from reviews.models import Objective

    objective = Objective.objects.get(number=7)

    comment = post(verified_user, objective, "On objective 7.", field="objective")

    assert comment.target == objective
    assert comment.get_absolute_url() == f"/objectives/7/#comment-{comment.pk}"


def test_an_author_edits_within_fifteen_minutes_and_not_after(comment, author, time_machine):
    time_machine.move_to(comment.created_at + dt.timedelta(minutes=14, seconds=59), tick=False)

    services.comment_edit(comment=comment, user=author, body="Second *thoughts*.")

    comment.refresh_from_db()
    assert comment.body_html == "<p>Second <em>thoughts</em>.</p>\n"
    assert comment.edited_at == timezone.now()
    time_machine.move_to(comment.created_at + dt.timedelta(minutes=15, seconds=1), tick=False)
    with pytest.raises(ValidationError, match="15 minutes"):
        services.comment_edit(comment=comment, user=author, body="Too late.")
    comment.refresh_from_db()
    assert comment.body == "Second *thoughts*."


def test_only_the_author_edits_or_deletes(comment, moderator):
    with pytest.raises(ValidationError, match="Only the author"):
        services.comment_edit(comment=comment, user=moderator, body="Rewritten.")
    with pytest.raises(ValidationError, match="Only the author"):
        services.comment_delete(comment=comment, user=moderator)

    comment.refresh_from_db()
    assert comment.body == "Words someone dislikes."


def test_a_hidden_comment_cannot_be_edited(comment, author):
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True)
    comment.refresh_from_db()

    with pytest.raises(ValidationError, match="no longer be edited"):
        services.comment_edit(comment=comment, user=author, body="Sneaky fix.")


def test_deleting_a_comment_with_replies_keeps_them_under_a_placeholder(comment, author, pledge):
    reply = CommentFactory(pledge=pledge, parent=comment)

    kept = services.comment_delete(comment=comment, user=author)

    comment.refresh_from_db()
    assert kept == comment
    assert comment.is_deleted
    assert (comment.body, comment.body_html) == ("", "")
    assert list(comment.replies.all()) == [reply]


def test_deleting_a_comment_without_replies_removes_it(comment, author):
    assert services.comment_delete(comment=comment, user=author) is None

    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_deleting_the_last_reply_of_a_deleted_comment_removes_the_placeholder(
    comment, author, pledge
):
    replier = VerifiedUserFactory()
    reply = CommentFactory(pledge=pledge, parent=comment, author=replier)
    services.comment_delete(comment=comment, user=author)

    services.comment_delete(comment=reply, user=replier)

    assert not Comment.objects.exists(), "an empty placeholder says nothing"


def test_a_blocked_person_can_neither_post_nor_flag(comment, pledge, moderator):
    troll = VerifiedUserFactory()
    services.user_block(user=troll, moderator=moderator, reason="Insults.")

    with pytest.raises(PostingBlocked):
        post(troll, pledge)
    with pytest.raises(PostingBlocked):
        services.flag_create(user=troll, reason=Flag.Reason.SPAM, comment=comment)

    services.user_unblock(user=troll, moderator=moderator)
    assert post(troll, pledge, "Back, and polite.").pk


def test_the_comment_rate_limit_allows_ten_in_ten_minutes(pledge, author, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    for n in range(10):
        post(author, pledge, f"Comment {n}.")

    with pytest.raises(RateLimited, match="please wait"):
        post(author, pledge, "The eleventh.")

    assert Comment.objects.count() == 10
    post(VerifiedUserFactory(), pledge, "Someone else may still post.")
    time_machine.shift(dt.timedelta(minutes=10))
    post(author, pledge, "The next window.")
    assert Comment.objects.count() == 12


def test_the_flag_rate_limit_allows_twenty_an_hour(pledge, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    comments = [CommentFactory(pledge=pledge) for _ in range(21)]
    user = VerifiedUserFactory()
    for comment in comments[:20]:
        services.flag_create(user=user, reason=Flag.Reason.SPAM, comment=comment)

    with pytest.raises(RateLimited):
        services.flag_create(user=user, reason=Flag.Reason.SPAM, comment=comments[20])

    assert Flag.objects.count() == 20


def test_comments_of_members_of_other_organisations_notify_the_lead(pledge, focal_a):
    """The lead's members hear of the comment; a member of several organisations is told once."""
    other = ActorFactory()
    MembershipFactory(user=focal_a, actor=other, role=Membership.Role.CONTRIBUTOR)

    post(VerifiedUserFactory(), pledge)

    assert Notification.objects.filter(user=focal_a, kind=Kind.PLEDGE_COMMENT).count() == 1
