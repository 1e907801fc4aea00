"""An organisation's own pages: joining it, and the focal points' management of it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from actors import services
from actors.forms import (
    ActorProfileForm,
    ApproveForm,
    JoinRequestForm,
    MemberRoleForm,
    RefuseForm,
)
from actors.models import Actor, JoinRequest, Membership
from actors.permissions import Access, actor_management_access, forget, join_access
from portal.access import enforce, require_page_or_form, sign_in_first


def _actor(slug) -> Actor:
    return get_object_or_404(Actor, slug=slug)


def _managed_actor(request, slug, what):
    """The organisation, when the person may manage it; else the denial response."""
    actor = _actor(slug)
    denial = enforce(request, actor_management_access(request.user, actor), what)
    return actor, denial


@require_page_or_form
@sign_in_first
def join(request, slug):
    actor = _actor(slug)
    if denial := enforce(request, join_access(request.user, actor), "join organisation"):
        return denial
    pending = JoinRequest.objects.pending().filter(user=request.user, actor=actor).first()
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            services.join_request_create(
                user=request.user, actor=actor, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                gettext("Your request was sent to the focal points of %(actor)s.")
                % {"actor": actor.name},
            )
            return redirect("actors:my-organisations")
    return render(
        request, "actors/join_request_form.html", {"actor": actor, "form": form, "pending": pending}
    )


@require_safe
@sign_in_first
def requests(request, slug):
    actor, denial = _managed_actor(request, slug, "join requests")
    if denial:
        return denial
    pending = JoinRequest.objects.waiting_for(actor)
    decided = (
        JoinRequest.objects.filter(actor=actor)
        .exclude(status=JoinRequest.Status.PENDING)
        .select_related("user", "decided_by")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "actors/join_request_list.html",
        {
            "actor": actor,
            "pending": pending,
            "decided": decided,
            "approve_form": ApproveForm(),
            "refuse_form": RefuseForm(),
        },
    )


@require_POST
@sign_in_first
def decide(request, slug, pk, decision):
    actor, denial = _managed_actor(request, slug, f"{decision} join request")
    if denial:
        return denial
    join_request = get_object_or_404(JoinRequest.objects.select_related("user"), pk=pk, actor=actor)
    form = (ApproveForm if decision == "approve" else RefuseForm)(request.POST)
    if form.is_valid():
        try:
            if decision == "approve":
                services.join_request_approve(
                    join_request=join_request, by=request.user, role=form.cleaned_data["role"]
                )
                messages.success(
                    request,
                    gettext("%(person)s can now act for you.")
                    % {"person": join_request.user.public_name},
                )
            else:
                services.join_request_refuse(
                    join_request=join_request, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    gettext("The request of %(person)s is refused.")
                    % {"person": join_request.user.public_name},
                )
            return redirect("actors:join-requests", slug=actor.slug)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    pending = JoinRequest.objects.waiting_for(actor)
    return render(
        request,
        "actors/join_request_list.html",
        {
            "actor": actor,
            "pending": pending,
            "decided": [],
            "approve_form": form if decision == "approve" else ApproveForm(),
            "refuse_form": form if decision == "refuse" else RefuseForm(),
            "failed_request": join_request,
        },
        status=400,
    )


@require_page_or_form
@sign_in_first
def edit_profile(request, slug):
    actor, denial = _managed_actor(request, slug, "edit organisation profile")
    if denial:
        return denial
    form = ActorProfileForm(request.POST or None, instance=actor)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("The organisation's profile is saved."))
        return redirect(actor)
    return render(request, "actors/actor_form.html", {"actor": actor, "form": form})


@require_safe
@sign_in_first
def members(request, slug):
    actor, denial = _managed_actor(request, slug, "organisation members")
    if denial:
        return denial
    memberships = actor.memberships.select_related("user").order_by("role", "user__display_name")
    return render(
        request,
        "actors/membership_list.html",
        {"actor": actor, "memberships": memberships, "roles": Membership.Role.choices},
    )


@require_POST
@sign_in_first
def member_update(request, slug, pk, action):
    actor, denial = _managed_actor(request, slug, f"{action} member")
    if denial:
        return denial
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, actor=actor)
    try:
        if action == "remove":
            services.membership_remove(membership=membership, by=request.user)
            messages.success(
                request,
                gettext("%(person)s no longer acts for you.")
                % {"person": membership.user.public_name},
            )
        else:
            form = MemberRoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get("role", [gettext("Choose a role.")]))
            services.membership_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
            messages.success(
                request,
                gettext("%(person)s is now %(role)s.")
                % {
                    "person": membership.user.public_name,
                    "role": membership.get_role_display().lower(),
                },
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    forget(request.user)
    if actor_management_access(request.user, actor) is not Access.ALLOW:
        # The focal point stepped down or left: the members page is no longer theirs.
        return redirect(actor)
    return redirect("actors:members", slug=actor.slug)
