"""Questions and answers: asking a pledge's lead or partner, answering for the organisation asked
(and correcting the answer for a while), and a moderator closing a question.

The permission predicates (reviews.permissions.ask_access, answer_access, answer_edit_access,
close_access) decide who may; these functions check again, once they hold their lock, what could
have changed since (the pledge's state, an answer given meanwhile), write, and tell the people
concerned through the one notification path. Flagging, hiding and restoring go through the
comments' services (flag_create, item_hide, item_restore), which know questions and answers.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from actors.models import Actor, User
from actors.models.notifications import Kind
from actors.notifications import notify_user, notify_users
from actors.permissions import can_act_for, is_focal_point, memberships_by_actor
from portal.access import Conflict
from portal.i18n import interpolate_lazy
from portal.markdown import render_markdown
from reviews.models import Answer, ModerationLogEntry, Pledge, Question
from reviews.models.comments import EDIT_WINDOW_MINUTES
from reviews.models.content_language import writer_language
from reviews.models.questions import ANSWER_MAX, QUESTION_MAX, addressee_ids
from reviews.services.comments import COMMENT_RATE, check_can_post
from reviews.services.moderation import log_moderation
from reviews.services.quotes import quote, requote

# As many questions, and as many answers, in a while as comments: each one notifies people.
QUESTION_RATE = COMMENT_RATE


class QuestionNotPossible(ValidationError, Conflict):
    """The pledge or the question is not in a state that allows this any more (a 409)."""


def _written(body: str, limit: int) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": gettext("Write something first.")})
    if len(body) > limit:
        raise ValidationError(
            {
                "body": ngettext(
                    "Keep it under %(max)d character.", "Keep it under %(max)d characters.", limit
                )
                % {"max": limit}
            }
        )
    return body


@transaction.atomic
def question_ask(
    *,
    user: User,
    pledge: Pledge,
    body: str,
    addressed_to: Actor | None = None,
    actor: Actor | None = None,
    language: str = "",
) -> Question:
    """Ask the pledge's lead (by default) or one of its confirmed partners, in one's own name
    or for one of one's organisations; the focal points of the organisation asked are told."""
    check_can_post(user, "question", QUESTION_RATE)
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if locked.status != Pledge.Status.PUBLISHED:
        raise QuestionNotPossible(gettext("Questions are asked on published pledges only."))
    addressed_to = addressed_to or pledge.lead
    if addressed_to.pk not in addressee_ids(pledge):
        raise ValidationError(
            {"addressed_to": gettext("Ask the pledge's lead or one of its partners.")}
        )
    if addressed_to.pk in memberships_by_actor(user):
        raise ValidationError(
            {"addressed_to": gettext("Your own organisation is asked inside it, not here.")}
        )
    if actor is not None and not can_act_for(user, actor):
        raise ValidationError({"actor": gettext("You can only ask for your own organisations.")})
    body = _written(body, QUESTION_MAX)
    question = Question(
        pledge=locked,
        addressed_to=addressed_to,
        author=user,
        actor=actor,
        body=body,
        body_html=render_markdown(body),
        language=writer_language(language),
    )
    question.full_clean()
    question.save()
    _notify_addressee(question)
    return question


def _notify_addressee(question: Question) -> None:
    who = question.actor.name if question.actor else question.author.public_name
    notify_users(
        users=User.objects.focal_points_of(question.addressed_to_id).exclude(pk=question.author_id),
        kind=Kind.QUESTION,
        title=interpolate_lazy(
            gettext_lazy("%(who)s asks %(organisation)s about the pledge “%(title)s”"),
            {
                "who": who,
                "organisation": question.addressed_to.name,
                "title": question.pledge.title,
            },
        ),
        url=question.get_absolute_url(),
        body=quote(question),
        about=question.quoted_as,
    )


@transaction.atomic
def question_answer(*, question: Question, user: User, body: str, language: str = "") -> Answer:
    """A focal point answers for the organisation asked, once: the question is answered from
    then (its response time ends here), and the asker is told."""
    check_can_post(user, "answer", QUESTION_RATE)
    locked = Question.objects.select_for_update().select_related("addressed_to").get(pk=question.pk)
    if not is_focal_point(user, locked.addressed_to):
        raise ValidationError(gettext("Only a focal point of the organisation asked answers."))
    if not locked.is_open or locked.is_hidden:
        raise QuestionNotPossible(gettext("This question is no longer open."))
    body = _written(body, ANSWER_MAX)
    answer = Answer(
        question=locked,
        author=user,
        actor=locked.addressed_to,
        body=body,
        body_html=render_markdown(body),
        language=writer_language(language),
    )
    answer.full_clean()
    answer.save()
    locked.status = Question.Status.ANSWERED
    locked.answered_at = answer.created_at
    locked.save(update_fields=["status", "answered_at"])
    question.status, question.answered_at = locked.status, locked.answered_at
    notify_user(
        user=question.author,
        kind=Kind.QUESTION_OUTCOME,
        title=interpolate_lazy(
            gettext_lazy("%(organisation)s answered your question on the pledge “%(title)s”"),
            {"organisation": locked.addressed_to.name, "title": question.pledge.title},
        ),
        url=answer.get_absolute_url(),
        body=quote(answer),
        about=answer.quoted_as,
    )
    return answer


@transaction.atomic
def answer_edit(*, answer: Answer, user: User, body: str) -> Answer:
    """The focal point who answered corrects the answer for 15 minutes, as a comment's author
    may; it is then marked as edited, and what notifications quote of it follows."""
    if answer.author_id != user.pk:
        raise ValidationError(gettext("Only the focal point who answered can edit the answer."))
    if answer.is_hidden:
        raise ValidationError(gettext("This answer can no longer be edited."))
    if timezone.now() > answer.editable_until():
        raise ValidationError(
            ngettext(
                "Answers can be edited for %(minutes)d minute after posting.",
                "Answers can be edited for %(minutes)d minutes after posting.",
                EDIT_WINDOW_MINUTES,
            )
            % {"minutes": EDIT_WINDOW_MINUTES}
        )
    body = _written(body, ANSWER_MAX)
    answer.body = body
    answer.body_html = render_markdown(body)
    answer.edited_at = timezone.now()
    answer.save(update_fields=["body", "body_html", "edited_at"])
    requote(answer)
    return answer


@transaction.atomic
def question_close(*, question: Question, moderator: User, reason: str) -> Question:
    """A moderator closes an open question (off-topic, answered elsewhere, a duplicate…), with a
    reason everyone reads; it is logged, and the asker is told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Give a reason; the asker will read it.")})
    locked = Question.objects.select_for_update().get(pk=question.pk)
    if not locked.is_open:
        raise QuestionNotPossible(gettext("Only an open question can be closed."))
    locked.status = Question.Status.CLOSED
    locked.closed_reason = reason
    locked.closed_by = moderator
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_reason", "closed_by", "closed_at"])
    for name in ("status", "closed_reason", "closed_by", "closed_at"):
        setattr(question, name, getattr(locked, name))
    log_moderation(moderator, ModerationLogEntry.Action.QUESTION_CLOSE, locked, reason)
    notify_user(
        user=question.author,
        kind=Kind.QUESTION_OUTCOME,
        title=interpolate_lazy(
            gettext_lazy("A moderator closed your question on the pledge “%(title)s”"),
            {"title": question.pledge.title},
        ),
        url=question.get_absolute_url(),
        body=interpolate_lazy(gettext_lazy("Reason: %(reason)s"), {"reason": reason}),
    )
    return question
