"""Questions to a pledge's lead or partners: asking, answering (and correcting the answer), and a
moderator closing a question.

The pledge page shows the questions and the forms (`question_context`); these views take their
POSTs and go back to it. A refused form is shown again on a page of its own, with its errors and
what was typed, as the comment and endorsement forms are. Flagging goes through the comments'
flag view, hiding and restoring through the moderation pages.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from actors.permissions import Access, memberships_by_actor
from portal.access import Conflict, enforce, require_page_or_form, sign_in_first
from portal.ids import parse_id
from portal.ratelimit import RateLimited
from reviews import permissions, services
from reviews.forms import ReasonForm, WrittenInField
from reviews.models import Answer, Pledge, PledgePartner, Question
from reviews.models.questions import ANSWER_MAX, QUESTION_MAX, addressee_ids

MARKDOWN_HELP = _("Emphasis (*word*), lists, links and quotes (> text) are kept.")


class QuestionForm(forms.Form):
    # Its fields are named question-… on the page, beside the comment form's own.
    prefix = "question"

    addressed_to = forms.TypedChoiceField(coerce=int, label=_("Ask"))
    actor = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Ask as"))
    body = forms.CharField(
        label=_("Your question"),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": QUESTION_MAX, "data-counter": "true"}),
        help_text=MARKDOWN_HELP,
    )
    language = WrittenInField()

    def __init__(self, *args, addressees, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].choices = [
            (actor.pk, gettext("%(actor)s (lead)") % {"actor": actor.name} if lead else actor.name)
            for actor, lead in addressees
        ]
        self.fields["actor"].choices = [("", gettext("Myself"))] + [
            (
                actor.pk,
                gettext("%(actor)s (%(kind)s)")
                % {"actor": actor.name, "kind": actor.get_kind_display()},
            )
            for actor in actors
        ]


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MAX, "data-counter": "true"}),
        help_text=MARKDOWN_HELP,
    )
    language = WrittenInField()


class CloseForm(ReasonForm):
    reason = forms.CharField(
        label=_("Why is it closed? (public; the asker reads it)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


def _answer_prefix(question) -> str:
    """Each open question's answer form has fields of its own on the page."""
    return f"answer-{question.pk}"


def _addressees(user, pledge: Pledge, *, askable: bool = True) -> list:
    """(organisation, is it the lead) of those the person may ask (`askable`), or of all those
    a question on the pledge may ask, the lead first: read from the pledge's partnerships
    already loaded (no query)."""
    actors = {pledge.lead_id: pledge.lead}
    actors.update({p.actor_id: p.actor for p in pledge.partnerships.all()})
    ids = permissions.asking_addressee_ids(user, pledge) if askable else addressee_ids(pledge)
    return [(actors[pk], pk == pledge.lead_id) for pk in ids]


def _asking_actors(user) -> list:
    """The person's organisations they may ask for (from their memberships: no query)."""
    memberships = memberships_by_actor(user)
    return sorted(
        (memberships[pk].actor for pk in permissions.asking_actor_ids(user)),
        key=lambda actor: actor.name,
    )


def question_form(user, pledge: Pledge, data=None) -> QuestionForm:
    """The form to ask, offering those the person may ask. A posted one takes any organisation
    the pledge may be asked through, so that asking one's own is refused as such (403) by the
    permission, not as an unknown choice."""
    addressees = _addressees(user, pledge, askable=data is None)
    return QuestionForm(data, addressees=addressees, actors=_asking_actors(user))


def question_context(user, pledge: Pledge) -> dict:
    """What the pledge page shows of its questions, in one query: each with its answer (a
    hidden one only for those who oversee), what the person may do with it (answer, edit the
    answer, close, flag), and the form to ask when they may."""
    if not pledge.is_public:
        return {"questions": [], "question_form": None}
    sees_hidden = permissions.sees_hidden(user)
    questions = list(
        Question.objects.filter(pledge=pledge).shown(sees_hidden=sees_hidden).with_answers()
    )
    now = timezone.now()
    for question in questions:
        question.pledge = pledge
        question.days_open = question.open_days(now)
        answer = question.given_answer
        if answer is not None:
            answer.question = question
            if answer.is_hidden and not sees_hidden:
                answer = None
        question.shown_answer = answer
        question.can_flag = not question.is_hidden and permissions.may_flag(user, question)
        # Forms that take typed text show once the second factor is set up, so that a redirect
        # to set it up loses nothing.
        question.can_close = permissions.close_access(user, question) is Access.ALLOW
        access = permissions.answer_access(user, question)
        question.answer_form = (
            AnswerForm(prefix=_answer_prefix(question)) if access is Access.ALLOW else None
        )
        # A focal point without it is told to set it up before writing anything.
        question.answer_needs_mfa = access is Access.MFA_REQUIRED
        if answer is not None:
            answer.can_flag = not answer.is_hidden and permissions.may_flag(user, answer)
            answer.can_edit = permissions.answer_edit_access(user, answer) is Access.ALLOW
    form = None
    if permissions.ask_access(user, pledge) is Access.ALLOW:
        form = question_form(user, pledge)
    return {"questions": questions, "question_form": form}


def _pledge(pk) -> Pledge:
    return get_object_or_404(
        Pledge.objects.select_related("lead").prefetch_related(
            Prefetch("partnerships", queryset=PledgePartner.objects.select_related("actor"))
        ),
        pk=pk,
    )


def _question(pk, question_pk) -> Question:
    return get_object_or_404(
        Question.objects.select_related("pledge", "addressed_to", "author"),
        pk=question_pk,
        pledge_id=pk,
    )


def _status(error: ValidationError) -> int:
    return 409 if isinstance(error, Conflict) else 400


@require_POST
@sign_in_first
def question_ask(request, pk):
    pledge = _pledge(pk)
    user = request.user
    # Whom the post asks, when it names one the pledge may be asked through: asking one's own
    # organisation is refused as such (403) whatever the pledge's state.
    posted = parse_id(request.POST.get(f"{QuestionForm.prefix}-addressed_to"))
    addressed_to = next(
        (actor for actor, _lead in _addressees(user, pledge, askable=False) if actor.pk == posted),
        None,
    )
    access = permissions.ask_access(user, pledge, addressed_to)
    if denial := enforce(request, access, "ask question"):
        return denial
    form = question_form(user, pledge, request.POST)
    status = 400
    if form.is_valid():
        addressed_to = next(
            actor
            for actor, _lead in _addressees(user, pledge, askable=False)
            if actor.pk == form.cleaned_data["addressed_to"]
        )
        actor = None
        if form.cleaned_data["actor"]:
            actor = memberships_by_actor(user)[form.cleaned_data["actor"]].actor
        access = permissions.ask_access(user, pledge, addressed_to, actor)
        if denial := enforce(request, access, "ask question"):
            return denial
        try:
            question = services.question_ask(
                user=user,
                pledge=pledge,
                addressed_to=addressed_to,
                actor=actor,
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
            )
        except RateLimited as error:
            form.add_error(None, error)
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
            status = _status(error)
        else:
            messages.success(
                request,
                gettext("Your question is published; %(actor)s is told.")
                % {"actor": addressed_to.name},
            )
            return redirect(question.get_absolute_url())
    # Shown again with its errors, offering those the person may ask.
    form.fields["addressed_to"].choices = question_form(user, pledge).fields["addressed_to"].choices
    return render(
        request, "reviews/question_form.html", {"form": form, "pledge": pledge}, status=status
    )


@require_POST
@sign_in_first
def question_answer(request, pk, question_pk):
    question = _question(pk, question_pk)
    access = permissions.answer_access(request.user, question)
    if denial := enforce(request, access, "answer question"):
        return denial
    form = AnswerForm(request.POST, prefix=_answer_prefix(question))
    status = 400
    if form.is_valid():
        try:
            answer = services.question_answer(
                question=question,
                user=request.user,
                body=form.cleaned_data["body"],
                language=form.cleaned_data["language"],
            )
        except RateLimited as error:
            form.add_error(None, error)
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
            status = _status(error)
        else:
            messages.success(request, gettext("Your answer is published; the asker is told."))
            return redirect(answer.get_absolute_url())
    return render(
        request,
        "reviews/answer_form.html",
        {"form": form, "question": question, "pledge": question.pledge},
        status=status,
    )


@require_page_or_form
@sign_in_first
def answer_edit(request, pk, question_pk):
    answer = get_object_or_404(
        Answer.objects.select_related("question__pledge", "question__addressed_to", "actor"),
        question_id=question_pk,
        question__pledge_id=pk,
    )
    access = permissions.answer_edit_access(request.user, answer)
    if denial := enforce(request, access, "edit answer"):
        return denial
    form = AnswerForm(request.POST or None, initial={"body": answer.body})
    form.fields.pop("language")  # the language it was written in stays
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_edit(answer=answer, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your answer is updated."))
            return redirect(answer.get_absolute_url())
    return render(
        request,
        "reviews/answer_form.html",
        {
            "form": form,
            "answer": answer,
            "question": answer.question,
            "pledge": answer.question.pledge,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@sign_in_first
def question_close(request, pk, question_pk):
    question = _question(pk, question_pk)
    if denial := enforce(request, permissions.close_access(request.user, question), "close"):
        return denial
    form = CloseForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.question_close(
                question=question, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = _status(error)
        else:
            messages.success(request, gettext("The question is closed; the asker is told."))
            return redirect(question.get_absolute_url())
    return render(
        request,
        "reviews/question_close.html",
        {"form": form, "question": question, "pledge": question.pledge},
        status=status,
    )
