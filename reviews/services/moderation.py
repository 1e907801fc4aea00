"""Moderation of the conversation: hiding, restoring, dismissing flags, blocking; the log.

Every moderation action writes one ModerationLogEntry; nothing here (or anywhere) changes one.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext, ngettext_lazy

from actors.models import User
from actors.models.notifications import Kind
from actors.notifications import notify_user, notify_users
from portal.i18n import interpolate_lazy
from reviews.models import (
    Answer,
    Comment,
    Flag,
    ModerationLogEntry,
    Pledge,
    ProgressUpdate,
    Question,
)
from reviews.models.comments import AUTO_HIDE_FLAGS
from reviews.services.quotes import requote

Action = ModerationLogEntry.Action

# What each kind of moderated item (by its model's name) is called in the moderators' addresses,
# and the log's actions for hiding, restoring and hiding by flags.
KINDS = {
    "comment": ("comment", Action.COMMENT_HIDE, Action.COMMENT_RESTORE, Action.COMMENT_AUTO_HIDE),
    "progressupdate": (
        "update",
        Action.UPDATE_HIDE,
        Action.UPDATE_RESTORE,
        Action.UPDATE_AUTO_HIDE,
    ),
    "question": (
        "question",
        Action.QUESTION_HIDE,
        Action.QUESTION_RESTORE,
        Action.QUESTION_AUTO_HIDE,
    ),
    "answer": ("answer", Action.ANSWER_HIDE, Action.ANSWER_RESTORE, Action.ANSWER_AUTO_HIDE),
}


def _kind(item) -> tuple:
    return KINDS[item._meta.model_name]


def _quoted(item) -> bool:
    """Whether notifications quote the item (comments, questions and answers do)."""
    return isinstance(item, Comment | Question | Answer)


def log_moderation(moderator, action, target, reason="") -> ModerationLogEntry:
    """Record one moderation action in the append-only log."""
    # The label is stored: it is worded in the portal's language, not the moderator's.
    with translation.override(settings.LANGUAGE_CODE):
        label = str(target)[:300]
    return ModerationLogEntry.objects.create(
        moderator=moderator,
        action=action,
        target_type=target._meta.model_name,
        target_id=target.pk,
        target_label=label,
        reason=reason.strip(),
    )


def auto_hide(item, open_flags) -> None:
    # Stored as the item's reason and in the log: worded in the portal's language, not in that
    # of whoever raised the last flag.
    with translation.override(settings.LANGUAGE_CODE):
        reasons = sorted(
            {Flag.Reason(r).label.lower() for r in open_flags.values_list("reason", flat=True)}
        )
        why = ngettext(
            "Hidden automatically after %(count)d flag (%(reasons)s), until a moderator reviews "
            "it.",
            "Hidden automatically after %(count)d flags (%(reasons)s), until a moderator reviews "
            "it.",
            AUTO_HIDE_FLAGS,
        ) % {"count": AUTO_HIDE_FLAGS, "reasons": ", ".join(reasons)}
    item.is_hidden = True
    item.auto_hidden = True
    item.hidden_reason = why
    item.hidden_at = timezone.now()
    item.save(update_fields=["is_hidden", "auto_hidden", "hidden_reason", "hidden_at"])
    if _quoted(item):
        requote(item)
    kind, _hide, _restore, auto = _kind(item)
    log_moderation(None, auto, item, why)
    author = item.author
    if author is not None:
        notify_user(
            user=author,
            kind=Kind.MODERATION,
            title=gettext_lazy("Your contribution is hidden until a moderator reviews it"),
            url=_item_url(item),
            body=why,
        )
    # Through the bell and each moderator's choice for this kind (right away, digest or off).
    in_queue = reverse("reviews:moderation") + f"#{kind}-{item.pk}"
    notify_users(
        users=User.objects.moderators(),
        kind=Kind.MODERATOR_ALERT,
        title=gettext_lazy("An item was hidden automatically"),
        url=in_queue,
        body=why,
    )
    if isinstance(item, ProgressUpdate):
        _recompute_implementation(item.pledge)


def _item_url(item) -> str:
    if isinstance(item, ProgressUpdate):
        return reverse("reviews:pledge-detail", args=[item.pledge_id]) + f"#progress-{item.pk}"
    return item.get_absolute_url()


def _recompute_implementation(pledge: Pledge) -> None:
    latest = pledge.progress_updates.latest_shown()
    pledge.implementation_status = latest.stage if latest else Pledge.ImplementationStatus.PLANNED
    pledge.save(update_fields=["implementation_status", "updated_at"])


@transaction.atomic
def item_hide(*, item, moderator: User, reason: str):
    """A moderator hides a comment, a progress update, a question or an answer, saying why;
    the author is told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Give a reason; the author will read it.")})
    item = type(item).objects.select_for_update().get(pk=item.pk)
    item.is_hidden = True
    item.auto_hidden = False
    item.hidden_reason = reason
    item.hidden_at = timezone.now()
    item.save(update_fields=["is_hidden", "auto_hidden", "hidden_reason", "hidden_at"])
    if _quoted(item):
        requote(item)
    log_moderation(moderator, _kind(item)[1], item, reason)
    item.flags.filter(dismissed_at__isnull=True).update(dismissed_at=timezone.now())
    if item.author is not None:
        notify_user(
            user=item.author,
            kind=Kind.MODERATION,
            title=gettext_lazy("A moderator hid your contribution"),
            url=_item_url(item),
            body=interpolate_lazy(gettext_lazy("Reason: %(reason)s"), {"reason": reason}),
        )
    if isinstance(item, ProgressUpdate):
        _recompute_implementation(item.pledge)
    return item


@transaction.atomic
def item_restore(*, item, moderator: User, reason: str = ""):
    """A moderator shows a hidden item again; its open flags are dismissed."""
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if not item.is_hidden:
        # Nothing to restore: no log entry, and no "restored" message to a puzzled author.
        raise ValidationError(gettext("It is not hidden."))
    item.is_hidden = False
    item.auto_hidden = False
    item.hidden_reason = ""
    item.hidden_at = None
    item.save(update_fields=["is_hidden", "auto_hidden", "hidden_reason", "hidden_at"])
    if _quoted(item):
        requote(item)
    item.flags.filter(dismissed_at__isnull=True).update(dismissed_at=timezone.now())
    log_moderation(moderator, _kind(item)[2], item, reason)
    if item.author is not None:
        notify_user(
            user=item.author,
            kind=Kind.MODERATION,
            title=gettext_lazy("A moderator restored your contribution"),
            url=_item_url(item),
            body=reason,
        )
    if isinstance(item, ProgressUpdate):
        _recompute_implementation(item.pledge)
    return item


@transaction.atomic
def flags_dismiss(*, item, moderator: User, reason: str = "") -> int:
    """A moderator dismisses an item's open flags; with none open, nothing is done or logged."""
    dismissed = item.flags.filter(dismissed_at__isnull=True).update(dismissed_at=timezone.now())
    if not dismissed:
        raise ValidationError(gettext("There are no open flags to dismiss."))
    log_moderation(moderator, Action.FLAGS_DISMISS, item, reason)
    return dismissed


@transaction.atomic
def user_block(*, user: User, moderator: User, reason: str) -> User:
    """Stop a person from posting; what they posted stays unless hidden one by one."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Give a reason.")})
    user.posting_blocked_at = timezone.now()
    user.save(update_fields=["posting_blocked_at"])
    log_moderation(moderator, Action.USER_BLOCK, user, reason)
    return user


@transaction.atomic
def user_unblock(*, user: User, moderator: User, reason: str = "") -> User:
    if user.posting_blocked_at is None:
        raise ValidationError(gettext("%(person)s is not blocked.") % {"person": user.public_name})
    user.posting_blocked_at = None
    user.save(update_fields=["posting_blocked_at"])
    log_moderation(moderator, Action.USER_UNBLOCK, user, reason)
    return user


def send_moderator_digest(*, today=None) -> int:
    """Once a day, tell each moderator what is pending (nothing when nothing is).

    A notification like any other (kind moderation-queue), so each moderator's choice applies:
    an e-mail right away, a line in their own daily digest, or the bell only. Returns how many
    moderators were told.
    """
    from django.core.cache import cache

    today = today or timezone.localdate()
    pledges = Pledge.objects.filter(status=Pledge.Status.SUBMITTED).count()
    comments = Comment.objects.flagged().count()
    updates = ProgressUpdate.objects.flagged().count()
    questions = Question.objects.flagged().count() + Answer.objects.flagged().count()
    # An empty run does not use up the day: a later run the same day still tells what came in.
    if not (pledges or comments or updates or questions):
        return 0
    if not cache.add(f"moderator-digest:{today.isoformat()}", True, 60 * 60 * 36):
        return 0
    # Each moderator reads the counts in their own language (notify_user activates it).
    body = interpolate_lazy(
        gettext_lazy("%(pledges)s, %(comments)s and %(updates)s."),
        {
            "pledges": interpolate_lazy(
                ngettext_lazy("%(count)d submitted pledge", "%(count)d submitted pledges", pledges),
                {"count": pledges},
            ),
            "comments": interpolate_lazy(
                ngettext_lazy(
                    "%(count)d flagged or hidden comment",
                    "%(count)d flagged or hidden comments",
                    comments,
                ),
                {"count": comments},
            ),
            "updates": interpolate_lazy(
                ngettext_lazy(
                    "%(count)d flagged or hidden progress report",
                    "%(count)d flagged or hidden progress reports",
                    updates,
                ),
                {"count": updates},
            ),
        },
    )
    if questions:
        # Said apart, so that the digest without any reads as it always did.
        body = interpolate_lazy(
            gettext_lazy("%(counts)s %(questions)s"),
            {
                "counts": body,
                "questions": interpolate_lazy(
                    ngettext_lazy(
                        "%(count)d question or answer is flagged or hidden.",
                        "%(count)d questions or answers are flagged or hidden.",
                        questions,
                    ),
                    {"count": questions},
                ),
            },
        )
    with transaction.atomic():
        return notify_users(
            users=User.objects.moderators(),
            kind=Kind.MODERATION_QUEUE,
            title=gettext_lazy("What is waiting for moderation"),
            url=reverse("reviews:moderation"),
            body=body,
        )


def replies_hidden_with(kind: str, item, action: str) -> int:
    """How many shown replies hiding a comment hides with it (a reply is read with its thread)."""
    if action == "hide" and kind == "comment":
        return item.replies.filter(is_hidden=False).count()
    return 0


def done_message(kind: str, item, action: str) -> str:
    """What the moderator is told once `action` (hide, restore, dismiss) is done on the item:
    the site's message and the API's `detail` alike."""
    if replies := replies_hidden_with(kind, item, action):
        return ngettext(
            "Hidden, with its %(count)d reply.", "Hidden, with its %(count)d replies.", replies
        ) % {"count": replies}
    return {
        "hide": gettext("Hidden."),
        "restore": gettext("Restored."),
        "dismiss": gettext("Flags dismissed."),
    }[action]
