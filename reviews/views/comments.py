"""Posting, editing, deleting and flagging comments; flagging progress updates, questions and
answers."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from actors.models import Actor
from actors.permissions import Access, memberships_by_actor
from portal.access import enforce, require_page_or_form, sign_in_first
from portal.ids import parse_id
from portal.ratelimit import RateLimited
from reviews import permissions, services
from reviews.forms import WrittenInField
from reviews.models import (
    Answer,
    Comment,
    Flag,
    ProgressUpdate,
    Question,
)
from reviews.models.comments import COMMENT_MAX


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX, "data-counter": "true"}),
        max_length=COMMENT_MAX,
        help_text=_("Emphasis (*word*), lists, links and quotes (> text) are kept."),
    )
    actor = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Post as"))
    language = WrittenInField()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        memberships = []
        if user is not None and user.is_authenticated:
            memberships = sorted(memberships_by_actor(user).values(), key=lambda m: m.actor.name)
        self.fields["actor"].choices = [("", gettext("Myself"))] + [
            (
                m.actor_id,
                gettext("%(actor)s (%(kind)s)")
                % {"actor": m.actor.name, "kind": m.actor.get_kind_display()},
            )
            for m in memberships
        ]


class FlagForm(forms.ModelForm):
    # The reasons only: no blank "choose one" option preselected among the radio buttons.
    reason = forms.ChoiceField(
        choices=Flag.Reason.choices, widget=forms.RadioSelect, label=_("Why do you flag it?")
    )

    class Meta:
        model = Flag
        fields = ["reason", "text"]
        labels = {"text": _("What is wrong? (needed for “Other”)")}
        widgets = {"reason": forms.RadioSelect}


# What may be flagged, by the kind in the address: where it is read from, and its flag's field.
FLAGGED = {
    "comment": (Comment.objects.all(), "comment"),
    "update": (ProgressUpdate.objects.select_related("pledge"), "progress_update"),
    "question": (Question.objects.select_related("pledge"), "question"),
    "answer": (Answer.objects.select_related("question__pledge"), "answer"),
}


def _target(request, field, pk):
    model = Comment.target_model(field)
    if model is None:
        raise Http404("Unknown place for a comment.")
    target = get_object_or_404(model, pk=pk)
    if not permissions.comment_target_access(request.user, target):
        raise Http404("Nothing to comment on here.")
    return target


def _redirect_to(comment):
    return redirect(comment.get_absolute_url())


@require_POST
def comment_create(request):
    if denial := enforce(request, permissions.comment_post_access(request.user), "post comment"):
        return denial
    field = request.POST.get("target", "")
    target_pk = parse_id(request.POST.get("target_id"))
    if target_pk is None:
        raise Http404("Unknown place for a comment.")
    target = _target(request, field, target_pk)
    form = CommentForm(request.POST, user=request.user)
    parent = None
    if request.POST.get("parent"):
        # The comment replied to: an id of a comment on this same target, or nothing to find.
        parent_pk = parse_id(request.POST["parent"])
        if parent_pk is None:
            raise Http404("No such comment to reply to.")
        parent = get_object_or_404(Comment, pk=parent_pk)
    status = 400
    if form.is_valid():
        actor = None
        if form.cleaned_data["actor"]:
            actor = Actor.objects.filter(pk=form.cleaned_data["actor"]).first()
        try:
            comment = services.comment_post(
                user=request.user,
                target_field=field,
                target=target,
                body=form.cleaned_data["body"],
                actor=actor,
                parent=parent,
                language=form.cleaned_data["language"],
            )
        except RateLimited as error:
            form.add_error(None, error)
            status = 429
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your comment is posted."))
            return _redirect_to(comment)
    return render(
        request,
        "reviews/comment_form.html",
        {"form": form, "target": target, "target_field": field, "parent": parent},
        status=status,
    )


@require_page_or_form
@sign_in_first
def comment_edit(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    if denial := enforce(request, permissions.comment_author_access(request.user, comment), "edit"):
        return denial
    form = CommentForm(request.POST or None, user=request.user, initial={"body": comment.body})
    form.fields.pop("actor")
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                comment=comment, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your comment is updated."))
            return _redirect_to(comment)
    return render(
        request,
        "reviews/comment_form.html",
        {"form": form, "comment": comment, "target": comment.target},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@sign_in_first
def comment_delete(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    if denial := enforce(
        request, permissions.comment_author_access(request.user, comment), "delete comment"
    ):
        return denial
    url = comment.get_absolute_url()
    services.comment_delete(comment=comment, user=request.user)
    messages.success(request, gettext("Your comment is deleted."))
    return redirect(url.split("#")[0])


@require_page_or_form
@sign_in_first
def flag(request, kind, pk):
    item = get_object_or_404(FLAGGED[kind][0], pk=pk)
    access = permissions.flag_access(request.user, item)
    if item.is_hidden and access in {Access.ALLOW, Access.FORBIDDEN}:
        # A hidden item already waits for a moderator: there is nothing left to flag, and its
        # text must not show here to anyone who could not read it in the thread (a moderator
        # without MFA), as for hidden progress updates.
        access = Access.NOT_FOUND
    if denial := enforce(request, access, f"flag {kind}"):
        return denial
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.flag_create(
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                    **{FLAGGED[kind][1]: item},
                )
            except RateLimited as error:
                form.add_error(None, error)
                status = 429
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, gettext("Thank you: the moderators will look at it."))
                if kind == "update":
                    return redirect(item.pledge)
                return redirect(item.get_absolute_url().split("#")[0])
    return render(
        request, "reviews/flag_form.html", {"form": form, "item": item, "kind": kind}, status=status
    )


def load_threads(user, field: str, ids) -> dict[int, list[Comment]]:
    """The comment threads of several targets of one kind, as this person may see them."""
    return Comment.objects.threads(field, ids, sees_hidden=permissions.sees_hidden(user))


def load_thread_groups(user, targets: dict) -> dict[str, dict[int, list[Comment]]]:
    """The threads of targets of several kinds in one query, as this person may see them."""
    return Comment.objects.thread_groups(targets, sees_hidden=permissions.sees_hidden(user))


def thread_context(request, field: str, target, thread=None) -> dict:
    """What the comments include needs for one target (its `thread`, when already read)."""
    if thread is None:
        thread = load_threads(request.user, field, [target.pk]).get(target.pk, [])
    return {
        "thread": thread,
        "target_field": field,
        "target": target,
        "comment_form": CommentForm(user=request.user),
        "accepts_comments": services.accepts_comments(field, target),
    }
