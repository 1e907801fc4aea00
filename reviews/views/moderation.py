"""The moderators' workspace: the queue, actions on the conversation, the log; and the public
transparency counts."""

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from actors.models import Actor, User
from actors.permissions import can_administer, oversight_access
from portal.access import enforce
from portal.filters import FilterSet
from portal.ids import parse_ids
from portal.pagination import page_of
from reviews import services
from reviews.forms import OptionalReasonForm, ReasonForm
from reviews.models import Answer, Comment, ModerationLogEntry, Pledge, ProgressUpdate, Question
from reviews.models.flagging import attach_open_flags
from reviews.services.moderation import done_message, replies_hidden_with

ITEM_MODELS = {"comment": Comment, "update": ProgressUpdate, "question": Question, "answer": Answer}
# The moderation page lists this many of each kind of item, the oldest submissions first.
QUEUE_SHOWN = 100


@require_safe
def moderation_home(request):
    if denial := enforce(request, oversight_access(request.user), "moderation"):
        return denial
    # Their open flags in one query for every list, not one prefetch each.
    comments = Comment.objects.flagged().for_moderation().prefetch_related(None)
    updates = ProgressUpdate.objects.flagged().for_moderation().prefetch_related(None)
    questions = Question.objects.flagged().for_moderation().prefetch_related(None)
    answers = Answer.objects.flagged().for_moderation().prefetch_related(None)
    comments, updates = list(comments[:QUEUE_SHOWN]), list(updates[:QUEUE_SHOWN])
    questions, answers = list(questions[:QUEUE_SHOWN]), list(answers[:QUEUE_SHOWN])
    attach_open_flags(comments, updates, questions, answers)
    flagged = [*comments, *updates, *questions, *answers]
    proposals = Actor.objects.filter(status=Actor.Status.PROPOSED).select_related("proposed_by")
    # The oldest submissions first, a bounded page of them: rendering a thousand cards with
    # their forms took seconds (the count says "100+" beyond).
    queue = list(Pledge.objects.moderation_queue()[: QUEUE_SHOWN + 1])
    queue, queue_more = queue[:QUEUE_SHOWN], len(queue) > QUEUE_SHOWN
    return render(
        request,
        "reviews/moderation_home.html",
        {
            "queue": queue,
            "queue_more": queue_more,
            "flagged_comments": comments,
            "flagged_updates": updates,
            "flagged_questions": questions,
            "flagged_answers": answers,
            "counts": {
                "pledges": len(queue),
                "comments": len(comments),
                "updates": len(updates),
                "questions": len(questions) + len(answers),
                "auto_hidden": sum(1 for item in flagged if item.auto_hidden),
            },
            "proposals": proposals,
            "can_administer": can_administer(request.user),
            "reason_form": ReasonForm(),
        },
    )


HIDDEN_KINDS = {
    "comment": (_("Comments"), Comment.objects.hidden().for_moderation),
    "update": (_("Progress reports"), ProgressUpdate.objects.hidden().for_moderation),
    "question": (_("Questions"), Question.objects.hidden().for_moderation),
    "answer": (_("Answers"), Answer.objects.hidden().for_moderation),
}


@require_safe
def moderation_hidden(request):
    """The "Hidden" tab: hidden comments, progress reports, questions or answers, most recently
    hidden first, each with a restore action."""
    if denial := enforce(request, oversight_access(request.user), "moderation"):
        return denial
    kind = request.GET.get("kind")
    kind = kind if kind in HIDDEN_KINDS else "comment"
    page = page_of(HIDDEN_KINDS[kind][1](), request, 25, keyset=True)
    return render(
        request,
        "reviews/moderation_hidden.html",
        {
            "kind": kind,
            "kinds": {k: label for k, (label, _queryset) in HIDDEN_KINDS.items()},
            "page": page,
        },
    )


def _act(request, kind, item, action, reason):
    if action == "hide":
        services.item_hide(item=item, moderator=request.user, reason=reason)
    elif action == "restore":
        services.item_restore(item=item, moderator=request.user, reason=reason)
    else:
        services.flags_dismiss(item=item, moderator=request.user, reason=reason)


def _posted_reason(request) -> str:
    """The reason posted with a moderation action, read by a form: a NUL byte (which
    PostgreSQL refuses) or an overlong text is an error message, not a server error."""
    form = OptionalReasonForm(request.POST)
    if not form.is_valid():
        raise ValidationError(list(form.errors["reason"]))
    return form.cleaned_data["reason"]


@require_POST
def item_action(request, kind, pk, action):
    if denial := enforce(request, oversight_access(request.user), f"{action} {kind}"):
        return denial
    item = get_object_or_404(ITEM_MODELS[kind], pk=pk)
    try:
        _act(request, kind, item, action, _posted_reason(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message(kind, item, action))
    if request.POST.get("back") == "hidden":
        return redirect(reverse("reviews:moderation-hidden") + f"?kind={kind}")
    return redirect("reviews:moderation")


@require_POST
def bulk_action(request):
    if denial := enforce(request, oversight_access(request.user), "bulk moderation"):
        return denial
    action = request.POST.get("action")
    try:
        reason = _posted_reason(request)
    except ValidationError as error:
        messages.error(
            request,
            gettext("%(refusal)s Nothing was changed.") % {"refusal": " ".join(error.messages)},
        )
        return redirect("reviews:moderation")
    if action not in {"hide", "restore", "dismiss"}:
        messages.error(request, gettext("Choose what to do with the selected items."))
        return redirect("reviews:moderation")
    if action == "hide" and not reason.strip():
        messages.error(request, gettext("Hiding needs a reason; nothing was changed."))
        return redirect("reviews:moderation")
    done, skipped, replies = 0, [], 0
    for kind, model in ITEM_MODELS.items():
        ids = parse_ids(request.POST.getlist(kind))
        for item in model.objects.filter(pk__in=ids):
            try:
                _act(request, kind, item, action, reason)
            except ValidationError as error:  # e.g. restoring what is not hidden
                skipped.extend(error.messages)
            else:
                done += 1
                replies += replies_hidden_with(kind, item, action)
    summary = ngettext("%(count)d item done", "%(count)d items done", done) % {"count": done}
    if replies:
        summary = ngettext(
            "%(summary)s, with %(count)d reply hidden with their comments",
            "%(summary)s, with %(count)d replies hidden with their comments",
            replies,
        ) % {"summary": summary, "count": replies}
    if skipped:
        summary = ngettext(
            "%(summary)s; %(count)d skipped: %(reasons)s",
            "%(summary)s; %(count)d skipped: %(reasons)s",
            len(skipped),
        ) % {"summary": summary, "count": len(skipped), "reasons": " ".join(sorted(set(skipped)))}
    messages.success(request, summary if summary.endswith(".") else summary + ".")
    return redirect("reviews:moderation")


@require_POST
def user_action(request, pk, action):
    if denial := enforce(request, oversight_access(request.user), f"{action} user"):
        return denial
    person = get_object_or_404(User, pk=pk)
    try:
        reason = _posted_reason(request)
        if action == "block":
            services.user_block(user=person, moderator=request.user, reason=reason)
            messages.success(
                request, gettext("%(person)s can no longer post.") % {"person": person.public_name}
            )
        else:
            services.user_unblock(user=person, moderator=request.user, reason=reason)
            messages.success(
                request, gettext("%(person)s can post again.") % {"person": person.public_name}
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("reviews:moderation")


class ModerationLogFilter(FilterSet):
    q = django_filters.CharFilter(
        field_name="target_label", lookup_expr="icontains", label=_("Target")
    )
    action = django_filters.ChoiceFilter(
        choices=ModerationLogEntry.Action.choices, empty_label=_("Any action")
    )
    moderator = django_filters.CharFilter(
        field_name="moderator__display_name", lookup_expr="icontains", label=_("Moderator")
    )
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=pgettext_lazy("date", "From")
    )
    until = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=pgettext_lazy("date", "To")
    )

    class Meta:
        model = ModerationLogEntry
        fields = ["q", "action", "moderator", "since", "until"]


@require_safe
def moderation_log(request):
    if denial := enforce(request, oversight_access(request.user), "moderation log"):
        return denial
    log_filter = ModerationLogFilter(
        request.GET, queryset=ModerationLogEntry.objects.select_related("moderator")
    )
    page = page_of(log_filter.qs, request, 50, keyset=True)
    return render(request, "reviews/moderation_log.html", {"filter": log_filter, "page": page})


@require_safe
def transparency(request):
    return render(
        request, "reviews/transparency.html", {"months": ModerationLogEntry.objects.transparency()}
    )
