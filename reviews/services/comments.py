"""The conversation: posting, editing and deleting comments, and flagging comments, updates,
questions and answers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from actors.models import Actor, User
from actors.models.notifications import Kind
from actors.notifications import notify_user, notify_users, quoted_text_changed
from actors.permissions import memberships_by_actor
from portal.i18n import interpolate_lazy
from portal.markdown import render_markdown
from portal.ratelimit import RateLimited, hit
from reviews.models import Answer, Comment, Flag, Pledge, ProgressUpdate, Question
from reviews.models.comments import AUTO_HIDE_FLAGS, COMMENT_MAX, EDIT_WINDOW_MINUTES, TARGETS
from reviews.models.content_language import writer_language
from reviews.services.moderation import auto_hide
from reviews.services.quotes import DELETED_BY_AUTHOR, quote, requote

COMMENT_RATE = (10, 10 * 60)  # ten comments in ten minutes


FLAG_RATE = (20, 60 * 60)  # twenty flags an hour


class PostingBlocked(ValidationError):
    """A moderator has blocked this person from posting."""


def accepts_comments(target_field: str, target) -> bool:
    """Comments go on published pledges and their visible updates, and on the reference data."""
    if target_field == "pledge":
        return target.status == Pledge.Status.PUBLISHED
    if target_field == "progress_update":
        return not target.is_hidden and target.pledge.status == Pledge.Status.PUBLISHED
    return target_field in TARGETS


def check_can_post(user: User, action: str, rate: tuple[int, int]) -> None:
    """Refuse someone a moderator blocked, or who posted `action` too often lately (questions
    and answers are checked here too)."""
    if user.posting_blocked_at:
        raise PostingBlocked(gettext("A moderator has blocked your account from posting."))
    limit, window = rate
    if not hit(f"{action}:{user.pk}", limit=limit, window=window):
        raise RateLimited(
            ngettext(
                "You have posted %(limit)d time in a short while; please wait a few minutes. "
                "What you wrote is kept below.",
                "You have posted %(limit)d times in a short while; please wait a few minutes. "
                "What you wrote is kept below.",
                limit,
            )
            % {"limit": limit}
        )


@transaction.atomic
def comment_post(
    *,
    user: User,
    target_field: str,
    target,
    body: str,
    actor: Actor | None = None,
    parent: Comment | None = None,
    language: str = "",
) -> Comment:
    """Post a comment (or a reply) in one's own name or for one of one's organisations."""
    check_can_post(user, "comment", COMMENT_RATE)
    if target_field not in TARGETS:
        raise ValidationError(gettext("Comments cannot be posted here."))
    if not accepts_comments(target_field, target):
        raise ValidationError(gettext("This cannot be commented on."))
    if actor is not None and actor.pk not in memberships_by_actor(user):
        raise ValidationError({"actor": gettext("You can only write for your own organisations.")})
    body = body.strip()
    if not body:
        raise ValidationError({"body": gettext("Write something first.")})
    if len(body) > COMMENT_MAX:
        raise ValidationError(
            {
                "body": ngettext(
                    "Keep it under %(max)d character.",
                    "Keep it under %(max)d characters.",
                    COMMENT_MAX,
                )
                % {"max": COMMENT_MAX}
            }
        )
    if parent is not None:
        if parent.parent_id:
            parent = parent.parent  # replies stay one level deep
        if getattr(parent, f"{target_field}_id") != target.pk or parent.is_hidden:
            raise ValidationError(gettext("You can only reply to a visible comment here."))
    comment = Comment(
        author=user,
        actor=actor,
        parent=parent,
        body=body,
        body_html=render_markdown(body),
        language=writer_language(language),
        **{target_field: target},
    )
    comment.full_clean()
    comment.save()
    _notify_about_new_comment(comment)
    return comment


def _notify_about_new_comment(comment: Comment) -> None:
    url = comment.get_absolute_url()
    who = comment.actor.name if comment.actor else comment.author.public_name
    told = {comment.author_id}
    if comment.parent and comment.parent.author_id not in told and not comment.parent.is_deleted:
        notify_user(
            user=comment.parent.author,
            kind=Kind.REPLY,
            title=interpolate_lazy(gettext_lazy("%(who)s replied to your comment"), {"who": who}),
            url=url,
            body=quote(comment),
            about=comment.quoted_as,
        )
        told.add(comment.parent.author_id)
    pledge = comment.pledge or (comment.progress_update.pledge if comment.progress_update else None)
    if pledge is not None:
        notify_users(
            users=User.objects.members_of(pledge.lead_id).exclude(pk__in=told),
            kind=Kind.PLEDGE_COMMENT,
            title=interpolate_lazy(
                gettext_lazy("%(who)s commented on your pledge “%(title)s”"),
                {"who": who, "title": pledge.title},
            ),
            url=url,
            body=quote(comment),
            about=comment.quoted_as,
        )


@transaction.atomic
def comment_edit(*, comment: Comment, user: User, body: str) -> Comment:
    """Authors may edit for 15 minutes; the comment is then marked as edited."""
    if comment.author_id != user.pk:
        raise ValidationError(gettext("Only the author can edit a comment."))
    if comment.is_deleted or comment.is_hidden:
        raise ValidationError(gettext("This comment can no longer be edited."))
    if timezone.now() > comment.editable_until():
        raise ValidationError(
            ngettext(
                "Comments can be edited for %(minutes)d minute after posting.",
                "Comments can be edited for %(minutes)d minutes after posting.",
                EDIT_WINDOW_MINUTES,
            )
            % {"minutes": EDIT_WINDOW_MINUTES}
        )
    body = body.strip()
    if not body or len(body) > COMMENT_MAX:
        raise ValidationError(
            {
                "body": ngettext(
                    "Write between 1 and %(max)d character.",
                    "Write between 1 and %(max)d characters.",
                    COMMENT_MAX,
                )
                % {"max": COMMENT_MAX}
            }
        )
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    requote(comment)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: User) -> Comment | None:
    """Authors delete their own comment; with replies it stays as "deleted by author"."""
    if comment.author_id != user.pk:
        raise ValidationError(gettext("Only the author can delete a comment."))
    if comment.replies.exists():
        comment.deleted_at = timezone.now()
        comment.body = ""
        comment.body_html = ""
        comment.save(update_fields=["deleted_at", "body", "body_html"])
        requote(comment)
        return comment
    parent = comment.parent
    quoted_text_changed(about=comment.quoted_as, body=gettext(DELETED_BY_AUTHOR))
    comment.delete()
    if parent is not None and parent.is_deleted and not parent.replies.exists():
        parent.delete()  # the placeholder only stood for the replies; none is left
    return None


def _flag_target(targets: dict):
    given = [item for item in targets.values() if item is not None]
    if len(given) != 1:
        raise ValidationError(gettext("Flag one comment, progress update, question or answer."))
    return given[0]


@transaction.atomic
def flag_create(
    *,
    user: User,
    reason: str,
    text: str = "",
    comment: Comment | None = None,
    progress_update: ProgressUpdate | None = None,
    question: Question | None = None,
    answer: Answer | None = None,
) -> Flag:
    """Flag an item once; at the third flag from distinct people it is hidden pending review."""
    check_can_post(user, "flag", FLAG_RATE)
    targets = {
        "comment": comment,
        "progress_update": progress_update,
        "question": question,
        "answer": answer,
    }
    target = _flag_target(targets)
    model = type(target)
    locked = model.objects.select_for_update().get(pk=target.pk)
    if Flag.objects.filter(user=user, **targets).exists():
        raise ValidationError(gettext("You have already flagged this."))
    flag = Flag(user=user, reason=reason, text=text, **targets)
    flag.full_clean()
    flag.save()
    open_flags = locked.flags.filter(dismissed_at__isnull=True)
    if not locked.is_hidden and open_flags.values("user").distinct().count() >= AUTO_HIDE_FLAGS:
        auto_hide(locked, open_flags)
    return flag
