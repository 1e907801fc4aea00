"""The conversation: comments on pledges, objectives, Declaration paragraphs, round tables and
progress updates; flags raised on comments, updates, questions and answers (the moderation log:
moderation_log.py; questions and answers: questions.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reviews.models.content_language import written_in
from reviews.models.flagging import count_of, flagged, open_flags_prefetch
from reviews.models.lifecycle import public_pledge_q
from reviews.models.progress import public_update_q

COMMENT_MAX = 5000
AUTO_HIDE_FLAGS = 3
EDIT_WINDOW_MINUTES = 15

TARGETS = ("pledge", "objective", "paragraph", "round_table", "progress_update")
# What a flag is raised on: a comment, a progress update, a question or an answer (questions.py).
FLAG_TARGETS = ("comment", "progress_update", "question", "answer")


def _exactly_one(fields) -> Q:
    """A condition true when exactly one of the nullable foreign keys is set."""
    condition = Q()
    for chosen in fields:
        term = Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                term &= Q(**{f"{other}__isnull": True})
        condition |= term
    return condition


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def public(self):
        """Comments anyone may read: not hidden, not under a hidden comment, on something public."""
        return self.visible().filter(
            (Q(parent__isnull=True) | Q(parent__is_hidden=False))
            & (
                Q(pledge__isnull=True, progress_update__isnull=True)
                | public_pledge_q("pledge__")
                | public_update_q("progress_update__")
            )
        )

    def flagged(self):
        """Comments with open flags or hidden by flags, newest flag first, with counts."""
        return flagged(self, "comment").select_related("author", "actor")

    def for_moderation(self):
        """What the moderators' lists show of each comment, in a constant number of queries:
        where it stands (its pledge, objective, paragraph, round table or progress report; the
        comment it answers), how many shown replies hiding it would hide, its open flags."""
        return (
            self.select_related(
                "author",
                "actor",
                "pledge",
                "objective",
                "paragraph__cycle",
                "round_table__cycle",
                "progress_update__pledge",
                "parent__author",
            )
            .defer("pledge__description", "progress_update__pledge__description")
            # A subquery per row shown, not a GROUP BY over every comment joined to its replies.
            .annotate(
                shown_replies=count_of(
                    Comment.objects.filter(parent=OuterRef("pk"), is_hidden=False), "parent"
                )
            )
            .prefetch_related(open_flags_prefetch())
        )

    def shown_replies(self):
        """The shown replies of the comment of the outer query (hiding it would hide them)."""
        return self.filter(parent=OuterRef("pk"), is_hidden=False)

    def hidden(self):
        """Hidden comments, the most recently hidden first (the moderators' "Hidden" tab)."""
        return self.filter(is_hidden=True).order_by(
            models.F("hidden_at").desc(nulls_last=True), "-pk"
        )

    def threads(self, field: str, ids, *, sees_hidden: bool) -> dict[int, list["Comment"]]:
        """The threads of several targets of one kind (`field`: "pledge", "paragraph" …) by
        target id: top-level comments with their replies and authors. Hidden comments only for
        those who oversee (marked in the page)."""
        return self.thread_groups({field: ids}, sees_hidden=sees_hidden)[field]

    def thread_groups(self, targets: dict, *, sees_hidden: bool) -> dict[str, dict]:
        """The threads of targets of several kinds (`{"paragraph": ids, "round_table": ids}`),
        by kind and target id, in one query whatever their number: a reply is on its comment's
        target, so one read of the targets' comments holds the comments and their replies."""
        where = models.Q(pk__in=[])
        for field, ids in targets.items():
            where |= models.Q(**{f"{field}__in": list(ids)})
        comments = self.filter(where).select_related("author", "actor").order_by("created_at", "pk")
        if not sees_hidden:
            comments = comments.filter(is_hidden=False)
        groups: dict[str, dict[int, list[Comment]]] = {field: {} for field in targets}
        tops, replies = [], {}
        for comment in comments:
            if comment.parent_id is None:
                tops.append(comment)
                field = next(f for f in targets if getattr(comment, f"{f}_id") is not None)
                groups[field].setdefault(getattr(comment, f"{field}_id"), []).append(comment)
            else:
                replies.setdefault(comment.parent_id, []).append(comment)
        for top in tops:
            # As prefetch_related leaves them: `comment.replies.all` reads no more.
            shown = top.replies.all()
            shown._result_cache, shown._prefetch_done = replies.get(top.pk, []), True
            top._prefetched_objects_cache = {"replies": shown}
        return groups


class FlagSummary:
    """The open flags of one item as moderators read them: counts per reason, and the notes."""

    def __init__(self, flags):
        counts: dict[str, int] = {}
        for flag in flags:
            counts[flag.reason] = counts.get(flag.reason, 0) + 1
        self.reasons = [(Flag.Reason(reason).label, n) for reason, n in counts.items()]
        self.notes = [
            (flag.user, flag.get_reason_display(), flag.text) for flag in flags if flag.text
        ]
        self.total = len(flags)


class Comment(models.Model):
    pledge = models.ForeignKey(
        "reviews.Pledge", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    objective = models.ForeignKey(
        "reviews.Objective",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    paragraph = models.ForeignKey(
        "reviews.DeclarationParagraph",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    round_table = models.ForeignKey(
        "reviews.RoundTable",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    progress_update = models.ForeignKey(
        "reviews.ProgressUpdate",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    actor = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
        help_text=_("The organisation the author wrote for; empty when in their own name."),
    )
    body = models.TextField(max_length=COMMENT_MAX)
    language = written_in()
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    auto_hidden = models.BooleanField(
        default=False, help_text=_("Hidden automatically by flags, waiting for a moderator.")
    )
    hidden_reason = models.TextField(blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["pledge", "created_at"], name="comment_pledge"),
            models.Index(fields=["objective", "created_at"], name="comment_objective"),
            models.Index(fields=["is_hidden", "created_at"], name="comment_hidden"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(TARGETS),
                name="comment_exactly_one_target",
                violation_error_message=_("A comment is about exactly one thing."),
            ),
        ]

    def __str__(self):
        return gettext("Comment %(number)s by %(author)s") % {
            "number": self.pk,
            "author": self.author,
        }

    def get_absolute_url(self) -> str:
        """Where the comment can be read: its target's page, at the comment."""
        anchor = f"#comment-{self.pk}"
        if self.progress_update_id:
            return reverse("reviews:pledge-detail", args=[self.progress_update.pledge_id]) + anchor
        if self.paragraph_id:
            return reverse("reviews:cycle-detail", args=[self.paragraph.cycle.slug]) + anchor
        if self.round_table_id:
            return reverse("reviews:cycle-detail", args=[self.round_table.cycle.slug]) + anchor
        return self.target.get_absolute_url() + anchor

    @property
    def quoted_as(self) -> str:
        """How notifications that quote this comment name it."""
        return f"comment:{self.pk}"

    @classmethod
    def target_model(cls, field: str):
        """The model of a place comments go on ("pledge", "objective" …), or None."""
        return cls._meta.get_field(field).related_model if field in TARGETS else None

    @property
    def target(self):
        return next(getattr(self, name) for name in TARGETS if getattr(self, f"{name}_id"))

    @property
    def target_field(self) -> str:
        return next(name for name in TARGETS if getattr(self, f"{name}_id"))

    @property
    def flag_summary(self) -> FlagSummary:
        """Needs `open_flag_list` (`for_moderation()`)."""
        return FlagSummary(self.open_flag_list)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def editable_until(self):
        return self.created_at + timezone.timedelta(minutes=EDIT_WINDOW_MINUTES)

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(gettext("Replies are one level deep: answer the first comment."))


class Flag(models.Model):
    """A signed-in person's report that a comment, a progress update, a question or an answer
    breaks the rules."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        OFFENSIVE = "offensive", _("Offensive or abusive")
        OFF_TOPIC = "off-topic", _("Off-topic")
        PERSONAL_DATA = "personal-data", _("Reveals personal data")
        OTHER = "other", pgettext_lazy("reason for a flag", "Other")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    progress_update = models.ForeignKey(
        "reviews.ProgressUpdate",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
    )
    question = models.ForeignKey(
        "reviews.Question", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    answer = models.ForeignKey(
        "reviews.Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    text = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one(FLAG_TARGETS),
                name="flag_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=Q(comment__isnull=False),
                name="flag_once_per_comment",
                violation_error_message=_("You have already flagged this."),
            ),
            models.UniqueConstraint(
                fields=["user", "progress_update"],
                condition=Q(progress_update__isnull=False),
                name="flag_once_per_update",
                violation_error_message=_("You have already flagged this."),
            ),
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(question__isnull=False),
                name="flag_once_per_question",
                violation_error_message=_("You have already flagged this."),
            ),
            models.UniqueConstraint(
                fields=["user", "answer"],
                condition=Q(answer__isnull=False),
                name="flag_once_per_answer",
                violation_error_message=_("You have already flagged this."),
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(text=""),
                name="flag_other_needs_text",
                violation_error_message=_("Say what is wrong."),
            ),
        ]

    def __str__(self):
        return gettext("Flag by %(user)s (%(reason)s)") % {"user": self.user, "reason": self.reason}
