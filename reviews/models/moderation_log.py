"""The append-only moderation log: what a moderator (or the portal itself) did, to what, and why."""

from django.conf import settings
from django.db import models
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reviews.models.append_only import AppendOnly, AppendOnlyQuerySet
from reviews.models.comments import Flag


class ModerationLogQuerySet(AppendOnlyQuerySet):
    refusal = "The moderation log cannot be changed."

    def transparency(self) -> list[dict]:
        """Per month: how many items were hidden, and the flag reasons raised; no personal data."""
        action = ModerationLogEntry.Action
        hiding = [
            action.COMMENT_HIDE,
            action.COMMENT_AUTO_HIDE,
            action.UPDATE_HIDE,
            action.UPDATE_AUTO_HIDE,
            action.QUESTION_HIDE,
            action.QUESTION_AUTO_HIDE,
            action.ANSWER_HIDE,
            action.ANSWER_AUTO_HIDE,
            action.NEED_HIDE,
        ]
        hidden = (
            self.filter(action__in=hiding)
            .annotate(month=TruncMonth("created_at"))
            .values("month", "action")
            .annotate(count=models.Count("id"))
        )
        reasons = (
            Flag.objects.annotate(month=TruncMonth("created_at"))
            .values("month", "reason")
            .annotate(count=models.Count("id"))
        )
        months: dict = {}
        for row in hidden:
            entry = months.setdefault(
                row["month"], {"month": row["month"], "hidden": {}, "flags": {}}
            )
            entry["hidden"][str(action(row["action"]).label)] = row["count"]
        for row in reasons:
            entry = months.setdefault(
                row["month"], {"month": row["month"], "hidden": {}, "flags": {}}
            )
            entry["flags"][str(Flag.Reason(row["reason"]).label)] = row["count"]
        return [months[m] for m in sorted(months, reverse=True)]


class ModerationLogEntry(AppendOnly):
    """What a moderator did, to what, when and why. Written once; never changed or deleted."""

    refusal = "The moderation log cannot be changed."

    class Action(models.TextChoices):
        PLEDGE_PUBLISH = "pledge-publish", _("Published a pledge")
        PLEDGE_RETURN = "pledge-return", _("Returned a pledge")
        PLEDGE_REJECT = "pledge-reject", _("Rejected a pledge")
        COMMENT_HIDE = "comment-hide", _("Hid a comment")
        COMMENT_RESTORE = "comment-restore", _("Restored a comment")
        COMMENT_AUTO_HIDE = "comment-auto-hide", _("Comment hidden by flags")
        UPDATE_HIDE = "update-hide", _("Hid a progress update")
        UPDATE_RESTORE = "update-restore", _("Restored a progress update")
        UPDATE_AUTO_HIDE = "update-auto-hide", _("Progress update hidden by flags")
        QUESTION_HIDE = "question-hide", _("Hid a question")
        QUESTION_RESTORE = "question-restore", _("Restored a question")
        QUESTION_AUTO_HIDE = "question-auto-hide", _("Question hidden by flags")
        QUESTION_CLOSE = "question-close", _("Closed a question")
        ANSWER_HIDE = "answer-hide", _("Hid an answer")
        ANSWER_RESTORE = "answer-restore", _("Restored an answer")
        ANSWER_AUTO_HIDE = "answer-auto-hide", _("Answer hidden by flags")
        NEED_HIDE = "need-hide", _("Hid a need")
        NEED_RESTORE = "need-restore", _("Restored a need")
        FLAGS_DISMISS = "flags-dismiss", _("Dismissed flags")
        USER_BLOCK = "user-block", _("Blocked a user from posting")
        USER_UNBLOCK = "user-unblock", _("Unblocked a user")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the portal acted by itself (automatic hiding)."),
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    target_type = models.CharField(max_length=30)
    target_id = models.PositiveBigIntegerField()
    target_label = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ModerationLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("moderation log entries")
        indexes = [models.Index(fields=["action", "-created_at"], name="moderation_log_action")]

    def __str__(self):
        return gettext("%(when)s %(action)s: %(target)s") % {
            "when": f"{self.created_at:%Y-%m-%d %H:%M}",
            "action": self.get_action_display(),
            "target": self.target_label,
        }
