"""The conversation and its moderation: comments, flags, hiding, restoring, blocking, the log.

Every moderation action writes one ModerationLogEntry; nothing here (or anywhere) changes one.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor, User
from actors.models.notifications import Kind
from actors.notifications import notify_user
from actors.permissions import MODERATORS_GROUP, _memberships
from actors.tasks import notify
from portal.markdown import render_markdown
from portal.ratelimit import RateLimited, hit
from reviews.models import Comment, Flag, ModerationLogEntry, Pledge, ProgressUpdate
from reviews.models.comments import AUTO_HIDE_FLAGS, COMMENT_MAX, TARGETS

Action = ModerationLogEntry.Action

COMMENT_RATE = (10, 10 * 60)  # ten comments in ten minutes
FLAG_RATE = (20, 60 * 60)  # twenty flags an hour


class PostingBlocked(ValidationError):
    """A moderator has blocked this person from posting."""


def target_url(comment: Comment) -> str:
    """Where a comment can be read."""
    target = comment.target
    anchor = f"#comment-{comment.pk}"
    if comment.progress_update_id:
        return reverse("reviews:pledge-detail", args=[target.pledge_id]) + anchor
    if comment.paragraph_id:
        return reverse("reviews:cycle-detail", args=[target.cycle.slug]) + anchor
    if comment.round_table_id:
        return reverse("reviews:cycle-detail", args=[target.cycle.slug]) + anchor
    return target.get_absolute_url() + anchor


def accepts_comments(target_field: str, target) -> bool:
    """Comments go on published pledges and their visible updates, and on the reference data."""
    if target_field == "pledge":
        return target.status == Pledge.Status.PUBLISHED
    if target_field == "progress_update":
        return not target.is_hidden and target.pledge.status == Pledge.Status.PUBLISHED
    return target_field in TARGETS


def log_moderation(moderator, action, target, reason="") -> ModerationLogEntry:
    """Record one moderation action in the append-only log."""
    return ModerationLogEntry.objects.create(
        moderator=moderator,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        target_label=str(target)[:300],
        reason=reason.strip(),
    )


def _check_can_post(user: User, action: str, rate: tuple[int, int]) -> None:
    if user.posting_blocked_at:
        raise PostingBlocked("A moderator has blocked your account from posting.")
    limit, window = rate
    if not hit(f"{action}:{user.pk}", limit=limit, window=window):
        raise RateLimited(
            f"You have posted {limit} times in a short while; please wait a few minutes. "
            "What you wrote is kept below."
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
) -> Comment:
    """Post a comment (or a reply) in one's own name or for one of one's organisations."""
    _check_can_post(user, "comment", COMMENT_RATE)
    if target_field not in TARGETS:
        raise ValidationError("Comments cannot be posted here.")
    if not accepts_comments(target_field, target):
        raise ValidationError("This cannot be commented on.")
    if actor is not None and actor.pk not in _memberships(user):
        raise ValidationError({"actor": "You can only write for your own organisations."})
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > COMMENT_MAX:
        raise ValidationError({"body": f"Keep it under {COMMENT_MAX} characters."})
    if parent is not None:
        if parent.parent_id:
            parent = parent.parent  # replies stay one level deep
        if getattr(parent, f"{target_field}_id") != target.pk or parent.is_hidden:
            raise ValidationError("You can only reply to a visible comment here.")
    comment = Comment(
        author=user,
        actor=actor,
        parent=parent,
        body=body,
        body_html=render_markdown(body),
        **{target_field: target},
    )
    comment.full_clean()
    comment.save()
    _notify_about_new_comment(comment)
    return comment


def _notify_about_new_comment(comment: Comment) -> None:
    url = target_url(comment)
    who = comment.actor.name if comment.actor else comment.author.public_name
    told = {comment.author_id}
    if comment.parent and comment.parent.author_id not in told and not comment.parent.is_deleted:
        notify_user(
            user=comment.parent.author,
            kind=Kind.REPLY,
            title=f"{who} replied to your comment",
            url=url,
            body=comment.body[:500],
        )
        told.add(comment.parent.author_id)
    pledge = comment.pledge or (comment.progress_update.pledge if comment.progress_update else None)
    if pledge is not None:
        members = User.objects.filter(memberships__actor_id=pledge.lead_id, is_active=True).exclude(
            pk__in=told
        )
        for member in members:
            notify_user(
                user=member,
                kind=Kind.PLEDGE_COMMENT,
                title=f"{who} commented on your pledge “{pledge.title}”",
                url=url,
                body=comment.body[:500],
            )


@transaction.atomic
def comment_edit(*, comment: Comment, user: User, body: str) -> Comment:
    """Authors may edit for 15 minutes; the comment is then marked as edited."""
    if comment.author_id != user.pk:
        raise ValidationError("Only the author can edit a comment.")
    if comment.is_deleted or comment.is_hidden:
        raise ValidationError("This comment can no longer be edited.")
    if timezone.now() > comment.editable_until():
        raise ValidationError("Comments can be edited for 15 minutes after posting.")
    body = body.strip()
    if not body or len(body) > COMMENT_MAX:
        raise ValidationError({"body": f"Write between 1 and {COMMENT_MAX} characters."})
    comment.body = body
    comment.body_html = render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: User) -> Comment | None:
    """Authors delete their own comment; with replies it stays as "deleted by author"."""
    if comment.author_id != user.pk:
        raise ValidationError("Only the author can delete a comment.")
    if comment.replies.exists():
        comment.deleted_at = timezone.now()
        comment.body = ""
        comment.body_html = ""
        comment.save(update_fields=["deleted_at", "body", "body_html"])
        return comment
    parent = comment.parent
    comment.delete()
    if parent is not None and parent.is_deleted and not parent.replies.exists():
        parent.delete()  # the placeholder only stood for the replies; none is left
    return None


def _flag_target(comment, progress_update):
    target = comment or progress_update
    if target is None or (comment is not None and progress_update is not None):
        raise ValidationError("Flag one comment or one progress update.")
    return target


@transaction.atomic
def flag_create(
    *,
    user: User,
    reason: str,
    text: str = "",
    comment: Comment | None = None,
    progress_update: ProgressUpdate | None = None,
) -> Flag:
    """Flag an item once; at the third flag from distinct people it is hidden pending review."""
    _check_can_post(user, "flag", FLAG_RATE)
    target = _flag_target(comment, progress_update)
    model = type(target)
    locked = model.objects.select_for_update().get(pk=target.pk)
    if Flag.objects.filter(user=user, comment=comment, progress_update=progress_update).exists():
        raise ValidationError("You have already flagged this.")
    flag = Flag(
        user=user, comment=comment, progress_update=progress_update, reason=reason, text=text
    )
    flag.full_clean()
    flag.save()
    open_flags = locked.flags.filter(dismissed_at__isnull=True)
    if not locked.is_hidden and open_flags.values("user").distinct().count() >= AUTO_HIDE_FLAGS:
        _auto_hide(locked, open_flags)
    return flag


def _auto_hide(item, open_flags) -> None:
    reasons = sorted(
        {Flag.Reason(r).label.lower() for r in open_flags.values_list("reason", flat=True)}
    )
    why = f"Hidden automatically after {AUTO_HIDE_FLAGS} flags ({', '.join(reasons)}), "
    why += "until a moderator reviews it."
    item.is_hidden = True
    item.auto_hidden = True
    item.hidden_reason = why
    item.hidden_at = timezone.now()
    item.save(update_fields=["is_hidden", "auto_hidden", "hidden_reason", "hidden_at"])
    is_comment = isinstance(item, Comment)
    log_moderation(
        None, Action.COMMENT_AUTO_HIDE if is_comment else Action.UPDATE_AUTO_HIDE, item, why
    )
    author = item.author
    if author is not None:
        notify_user(
            user=author,
            kind=Kind.MODERATION,
            title="Your contribution is hidden until a moderator reviews it",
            url=_item_url(item),
            body=why,
        )
    # Through the bell and each moderator's choice for this kind (right away, digest or off).
    in_queue = reverse("reviews:moderation") + f"#{'comment' if is_comment else 'update'}-{item.pk}"
    for moderator in _moderators():
        notify_user(
            user=moderator,
            kind=Kind.MODERATOR_ALERT,
            title="An item was hidden automatically",
            url=in_queue,
            body=why,
        )
    if not is_comment:
        _recompute_implementation(item.pledge)


def _item_url(item) -> str:
    if isinstance(item, Comment):
        return target_url(item)
    return reverse("reviews:pledge-detail", args=[item.pledge_id]) + f"#progress-{item.pk}"


def _moderators():
    return User.objects.filter(groups__name=MODERATORS_GROUP, is_active=True).distinct()


def _moderator_emails() -> list[str]:
    return list(_moderators().values_list("email", flat=True))


def _recompute_implementation(pledge: Pledge) -> None:
    latest = pledge.progress_updates.filter(is_hidden=False).order_by("-date", "-pk").first()
    pledge.implementation_status = latest.stage if latest else Pledge.ImplementationStatus.PLANNED
    pledge.save(update_fields=["implementation_status", "updated_at"])


@transaction.atomic
def item_hide(*, item, moderator: User, reason: str):
    """A moderator hides a comment or a progress update, saying why; the author is told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason; the author will read it."})
    item = type(item).objects.select_for_update().get(pk=item.pk)
    item.is_hidden = True
    item.auto_hidden = False
    item.hidden_reason = reason
    item.hidden_at = timezone.now()
    item.save(update_fields=["is_hidden", "auto_hidden", "hidden_reason", "hidden_at"])
    is_comment = isinstance(item, Comment)
    log_moderation(
        moderator, Action.COMMENT_HIDE if is_comment else Action.UPDATE_HIDE, item, reason
    )
    item.flags.filter(dismissed_at__isnull=True).update(dismissed_at=timezone.now())
    if item.author is not None:
        notify_user(
            user=item.author,
            kind=Kind.MODERATION,
            title="A moderator hid your contribution",
            url=_item_url(item),
            body=f"Reason: {reason}",
        )
    if not is_comment:
        _recompute_implementation(item.pledge)
    return item


@transaction.atomic
def item_restore(*, item, moderator: User, reason: str = ""):
    """A moderator shows a hidden item again; its open flags are dismissed."""
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if not item.is_hidden:
        # Nothing to restore: no log entry, and no "restored" message to a puzzled author.
        raise ValidationError("It is not hidden.")
    item.is_hidden = False
    item.auto_hidden = False
    item.hidden_reason = ""
    item.hidden_at = None
    item.save(update_fields=["is_hidden", "auto_hidden", "hidden_reason", "hidden_at"])
    item.flags.filter(dismissed_at__isnull=True).update(dismissed_at=timezone.now())
    is_comment = isinstance(item, Comment)
    log_moderation(
        moderator, Action.COMMENT_RESTORE if is_comment else Action.UPDATE_RESTORE, item, reason
    )
    if item.author is not None:
        notify_user(
            user=item.author,
            kind=Kind.MODERATION,
            title="A moderator restored your contribution",
            url=_item_url(item),
            body=reason,
        )
    if not is_comment:
        _recompute_implementation(item.pledge)
    return item


@transaction.atomic
def flags_dismiss(*, item, moderator: User, reason: str = "") -> int:
    dismissed = item.flags.filter(dismissed_at__isnull=True).update(dismissed_at=timezone.now())
    log_moderation(moderator, Action.FLAGS_DISMISS, item, reason)
    return dismissed


@transaction.atomic
def user_block(*, user: User, moderator: User, reason: str) -> User:
    """Stop a person from posting; what they posted stays unless hidden one by one."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason."})
    user.posting_blocked_at = timezone.now()
    user.save(update_fields=["posting_blocked_at"])
    log_moderation(moderator, Action.USER_BLOCK, user, reason)
    return user


@transaction.atomic
def user_unblock(*, user: User, moderator: User, reason: str = "") -> User:
    if user.posting_blocked_at is None:
        raise ValidationError(f"{user.public_name} is not blocked.")
    user.posting_blocked_at = None
    user.save(update_fields=["posting_blocked_at"])
    log_moderation(moderator, Action.USER_UNBLOCK, user, reason)
    return user


def flagged_queue():
    """Flagged or hidden-by-flags comments and updates, newest flag first, with counts."""
    open_flags = Q(flags__dismissed_at__isnull=True)
    annotate = {
        "open_flags": Count("flags", filter=open_flags, distinct=True),
        "last_flag_at": Max("flags__created_at", filter=open_flags),
    }
    comments = (
        Comment.objects.annotate(**annotate)
        .filter(Q(open_flags__gt=0) | Q(auto_hidden=True))
        .select_related("author", "actor")
        .order_by("-last_flag_at", "-pk")
    )
    updates = (
        ProgressUpdate.objects.annotate(**annotate)
        .filter(Q(open_flags__gt=0) | Q(auto_hidden=True))
        .select_related("author", "actor", "pledge")
        .order_by("-last_flag_at", "-pk")
    )
    return comments, updates


HIDING = [
    Action.COMMENT_HIDE,
    Action.COMMENT_AUTO_HIDE,
    Action.UPDATE_HIDE,
    Action.UPDATE_AUTO_HIDE,
]


def transparency_counts() -> list[dict]:
    """Per month: how many items were hidden, and the flag reasons raised, without personal data."""
    hidden = (
        ModerationLogEntry.objects.filter(action__in=HIDING)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "action")
        .annotate(count=Count("id"))
    )
    reasons = (
        Flag.objects.annotate(month=TruncMonth("created_at"))
        .values("month", "reason")
        .annotate(count=Count("id"))
    )
    months: dict = {}
    for row in hidden:
        entry = months.setdefault(row["month"], {"month": row["month"], "hidden": {}, "flags": {}})
        entry["hidden"][Action(row["action"]).label] = row["count"]
    for row in reasons:
        entry = months.setdefault(row["month"], {"month": row["month"], "hidden": {}, "flags": {}})
        entry["flags"][Flag.Reason(row["reason"]).label] = row["count"]
    return [months[m] for m in sorted(months, reverse=True)]


__all__ = [
    "PostingBlocked",
    "RateLimited",
    "comment_delete",
    "comment_edit",
    "comment_post",
    "flag_create",
    "flags_dismiss",
    "item_hide",
    "item_restore",
    "user_block",
    "user_unblock",
]


def send_moderator_digest(*, today=None) -> int:
    """Once a day, tell each moderator what is pending (nothing when nothing is)."""
    from django.core.cache import cache

    today = today or timezone.localdate()
    comments, updates = flagged_queue()
    pending = {
        "pledges": Pledge.objects.filter(status=Pledge.Status.SUBMITTED).count(),
        "comments": comments.count(),
        "updates": updates.count(),
    }
    # An empty run does not use up the day: a later run the same day still tells what came in.
    if not any(pending.values()):
        return 0
    if not cache.add(f"moderator-digest:{today.isoformat()}", True, 60 * 60 * 36):
        return 0
    recipients = _moderator_emails()
    notify(
        to=recipients,
        subject="What is waiting for moderation",
        template="reviews/email/moderator_digest.txt",
        context={"pending": pending},
    )
    return len(recipients)
