"""Questions to a pledge's lead, or to one of its confirmed partners, and their answers.

Any signed-in stakeholder asks in public, in their own name or for one of their organisations;
the addressed organisation's focal points answer on its behalf, once. A question is open until it
is answered, or until a moderator closes it with a reason. Flags, hiding and the moderation log
apply to questions and answers as to comments (comments.py, moderation_log.py); who may do what
is reviews.permissions', the writes are reviews.services.questions'.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.addresses import address
from reviews.models.comments import EDIT_WINDOW_MINUTES, FlagSummary
from reviews.models.content_language import written_in
from reviews.models.flagging import flagged, open_flags_prefetch
from reviews.models.lifecycle import public_pledge_q
from reviews.models.partners import PledgePartner

QUESTION_MAX = 2000
ANSWER_MAX = 5000
# A question still open after this many days counts against its organisation's responsiveness.
OPEN_TOO_LONG_DAYS = 30


def addressee_ids(pledge) -> list[int]:
    """Whom a question on the pledge may ask: its lead (the default) and its confirmed partners,
    who speak for it with the lead (a partner still pending, or one that declined, does not).
    Reads `pledge.partnerships.all()` (prefetched by the pledge page and the API)."""
    partners = {
        p.actor_id
        for p in pledge.partnerships.all()
        if p.status == PledgePartner.Status.CONFIRMED and p.actor_id != pledge.lead_id
    }
    return [pledge.lead_id, *sorted(partners)]


def public_question_q(prefix: str = "") -> Q:
    """The condition of a public question (not hidden, on a public pledge); `prefix` reaches it
    through a relation ("question__")."""
    return Q(**{f"{prefix}is_hidden": False}) & public_pledge_q(f"{prefix}pledge__")


class QuestionQuerySet(models.QuerySet):
    def public(self):
        """What anyone may read: questions not hidden, on a public pledge (a withdrawn pledge
        keeps its questions, and owes the open ones an answer still)."""
        return self.filter(public_question_q())

    def shown(self, *, sees_hidden: bool):
        """The questions of a pledge page: hidden ones only for those who oversee the portal."""
        return self if sees_hidden else self.filter(is_hidden=False)

    def with_answers(self):
        """Each question with what its card shows: who asked, for whom, whom, and the answer
        with its author, in the one query (the answer is joined, not prefetched)."""
        return self.select_related(
            "author", "actor", "addressed_to", "answer__author", "answer__actor"
        )

    def flagged(self):
        """Questions with open flags or hidden by flags, newest flag first, with counts."""
        return flagged(self, "question").select_related("author", "actor", "addressed_to")

    def for_moderation(self):
        """What the moderators' lists show of each question: its pledge, whom it asks, its
        open flags."""
        return (
            self.select_related("author", "actor", "addressed_to", "pledge")
            .defer("pledge__description")
            .prefetch_related(open_flags_prefetch())
        )

    def hidden(self):
        """Hidden questions, the most recently hidden first (the moderators' "Hidden" tab)."""
        return self.filter(is_hidden=True).order_by(
            models.F("hidden_at").desc(nulls_last=True), "-pk"
        )


class AnswerQuerySet(models.QuerySet):
    def public(self):
        """Answers anyone may read: not hidden, to a public question."""
        return self.filter(is_hidden=False).filter(public_question_q("question__"))

    def flagged(self):
        """Answers with open flags or hidden by flags, newest flag first, with counts."""
        return flagged(self, "answer").select_related("author", "actor", "question")

    def for_moderation(self):
        """What the moderators' lists show of each answer: the question it answers, on which
        pledge, and its open flags."""
        return (
            self.select_related("author", "actor", "question__author", "question__pledge")
            .defer("question__pledge__description")
            .prefetch_related(open_flags_prefetch())
        )

    def hidden(self):
        """Hidden answers, the most recently hidden first (the moderators' "Hidden" tab)."""
        return self.filter(is_hidden=True).order_by(
            models.F("hidden_at").desc(nulls_last=True), "-pk"
        )


class Moderated(models.Model):
    """What moderation reads and writes of a question or an answer, as of a comment."""

    is_hidden = models.BooleanField(default=False)
    auto_hidden = models.BooleanField(
        default=False, help_text=_("Hidden automatically by flags, waiting for a moderator.")
    )
    hidden_reason = models.TextField(blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def flag_summary(self) -> FlagSummary:
        """Needs `open_flag_list` (`for_moderation()`)."""
        return FlagSummary(self.open_flag_list)


class Question(Moderated):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", pgettext_lazy("state of a question", "Closed")

    pledge = models.ForeignKey("reviews.Pledge", on_delete=models.CASCADE, related_name="questions")
    addressed_to = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="questions_received",
        help_text=_("The organisation asked: the pledge's lead, or one of its partners."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questions"
    )
    actor = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions_asked",
        help_text=_("The organisation the author asks for; empty when in their own name."),
    )
    body = models.TextField(max_length=QUESTION_MAX)
    body_html = models.TextField(editable=False)
    language = written_in()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it was answered (its response time ends here).")
    )
    closed_reason = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["pledge", "created_at"], name="question_pledge"),
            # Each organisation's responsiveness counts the questions it received, by status.
            models.Index(fields=["addressed_to", "status"], name="question_addressee"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="question_answered_has_time",
                violation_error_message=_("An answered question records when it was answered."),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(closed_reason="") & Q(closed_at__isnull=False)),
                name="question_closed_has_reason",
                violation_error_message=_("A closed question says why it was closed."),
            ),
            models.CheckConstraint(
                condition=~Q(status="open")
                | (Q(answered_at__isnull=True) & Q(closed_at__isnull=True)),
                name="question_open_is_neither",
                violation_error_message=_("An open question is neither answered nor closed."),
            ),
            # One asks another organisation: NULL (in one's own name) passes, as in SQL.
            models.CheckConstraint(
                condition=~Q(actor=models.F("addressed_to")),
                name="question_not_to_itself",
                violation_error_message=_("An organisation does not ask itself."),
            ),
        ]

    def __str__(self):
        return gettext("Question %(number)s to %(actor)s") % {
            "number": self.pk,
            "actor": self.addressed_to,
        }

    def get_absolute_url(self) -> str:
        return f"{address('reviews:pledge-detail', self.pledge_id)}#question-{self.pk}"

    @property
    def quoted_as(self) -> str:
        """How notifications that quote this question name it."""
        return f"question:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def open_days(self, now=None) -> int:
        """Whole days since it was asked (what "open for N days" says)."""
        return ((now or timezone.now()) - self.created_at).days

    @property
    def response_time(self) -> timedelta | None:
        """From asking to answering; None while unanswered."""
        if self.answered_at is None:
            return None
        return self.answered_at - self.created_at

    @property
    def given_answer(self):
        """Its answer (hidden or not), or None: read from the joined row of with_answers()."""
        try:
            return self.answer
        except Answer.DoesNotExist:
            return None

    def clean(self):
        if self.actor_id is not None and self.actor_id == self.addressed_to_id:
            raise ValidationError({"actor": gettext("An organisation does not ask itself.")})


class Answer(Moderated):
    """The addressed organisation's answer to a question, by one of its focal points: one per
    question (the database holds it to one)."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="answer")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="answers"
    )
    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="answers",
        help_text=_("The organisation that answers: the one the question is addressed to."),
    )
    body = models.TextField(max_length=ANSWER_MAX)
    body_html = models.TextField(editable=False)
    language = written_in()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return gettext("Answer %(number)s by %(actor)s") % {"number": self.pk, "actor": self.actor}

    def get_absolute_url(self) -> str:
        return f"{address('reviews:pledge-detail', self.question.pledge_id)}#answer-{self.pk}"

    @property
    def quoted_as(self) -> str:
        """How notifications that quote this answer name it."""
        return f"answer:{self.pk}"

    def editable_until(self):
        """Answers are edited for as long as comments are."""
        return self.created_at + timedelta(minutes=EDIT_WINDOW_MINUTES)

    def clean(self):
        if self.question_id and self.actor_id != self.question.addressed_to_id:
            raise ValidationError(
                {"actor": gettext("The organisation asked is the one that answers.")}
            )
