"""The signed-in person's own pages: organisations, profile, security, account deletion."""

from allauth.account.decorators import reauthentication_required, secure_admin_login
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from actors import services
from actors.acting import acting_membership, memberships, set_acting_for
from actors.forms import (
    ActingForForm,
    ActorProposalForm,
    ApiTokenForm,
    ApiTokenRevokeForm,
    DeleteAccountForm,
    NotificationSettingsForm,
    ProfileForm,
)
from actors.models import Actor, ApiToken, JoinRequest, Membership, Notification
from actors.notifications import mark_read, set_preferences
from actors.permissions import (
    Access,
    actor_management_access,
    administration_access,
    has_mfa,
    holds_oversight_role,
)
from portal.access import enforce, require_page_or_form
from portal.ids import parse_ids
from portal.pagination import page_of


@require_safe
@login_required
def my_organisations(request):
    mine = memberships(request)
    focal_actor_ids = [m.actor_id for m in mine if m.role == Membership.Role.FOCAL_POINT]
    return render(
        request,
        "actors/my_organisations.html",
        {
            "memberships": mine,
            # The management links show to those the permission function lets manage.
            "managed": {
                m.actor_id for m in mine if actor_management_access(request.user, m.actor).offered
            },
            "acting": acting_membership(request),
            "acting_form": ActingForForm(
                memberships=mine,
                initial={"actor": request.session.get("acting_for_actor_id")},
            ),
            "my_requests": JoinRequest.objects.filter(user=request.user)
            .select_related("actor")
            .order_by("-created_at")[:20],
            "requests_to_decide": JoinRequest.objects.pending()
            .filter(actor_id__in=focal_actor_ids)
            .select_related("actor", "user"),
            "proposals": Actor.objects.filter(proposed_by=request.user).exclude(
                status=Actor.Status.ACCREDITED
            ),
            "needs_mfa": bool(focal_actor_ids or holds_oversight_role(request.user))
            and not has_mfa(request.user),
        },
    )


@login_required
@require_POST
def acting_for(request):
    mine = memberships(request)
    form = ActingForForm(request.POST, memberships=mine)
    if not form.is_valid():
        # The choices are the person's own organisations: anything else is not theirs to know.
        return enforce(request, Access.NOT_FOUND, "act for that organisation")
    chosen = next((m for m in mine if m.actor_id == form.cleaned_data["actor"]), None)
    set_acting_for(request, chosen.actor if chosen else None)
    messages.success(
        request,
        gettext("You now act for %(actor)s.") % {"actor": chosen.actor.name}
        if chosen
        else gettext("You now act in your own name."),
    )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("actors:my-organisations")


@require_page_or_form
@login_required
def propose_organisation(request):
    form = ActorProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actor = services.actor_propose(
                user=request.user,
                name=data.pop("name"),
                kind=data.pop("kind"),
                note=data.pop("proposal_note"),
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                gettext(
                    "%(actor)s is proposed. An administrator will review it; you will be told "
                    "(as you chose in your notification settings), and become its first focal "
                    "point when it is accredited."
                )
                % {"actor": actor.name},
            )
            return redirect("actors:my-organisations")
    return render(request, "actors/actor_proposal_form.html", {"form": form})


@require_page_or_form
@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Your profile is saved."))
        return redirect("actors:profile")
    return render(request, "actors/profile_form.html", {"form": form})


@require_safe
@login_required
def security(request):
    return render(
        request,
        "actors/security.html",
        {
            "has_mfa": has_mfa(request.user),
            "emails": EmailAddress.objects.filter(user=request.user),
        },
    )


@require_page_or_form
@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(
                request, gettext("Your account is deleted. Thank you for taking part.")
            )
            return redirect("home")
    return render(request, "actors/delete_account.html", {"form": form})


@require_page_or_form
@login_required
def notifications(request):
    if request.method == "POST":
        ids = parse_ids(request.POST.getlist("notification"))
        mark_read(user=request.user, notification_ids=ids or None)
        messages.success(request, gettext("Marked as read."))
        return redirect("actors:notifications")
    page = page_of(Notification.objects.filter(user=request.user), request, 30)
    return render(request, "actors/notification_list.html", {"page": page})


@require_page_or_form
@login_required
def notification_settings(request):
    form = NotificationSettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        set_preferences(user=request.user, choices=form.cleaned_data)
        messages.success(request, gettext("Your notification settings are saved."))
        return redirect("actors:notification-settings")
    return render(request, "actors/notification_settings.html", {"form": form})


def _creates_a_token(request) -> bool:
    return request.method == "POST" and "revoke" not in request.POST


@require_page_or_form
@login_required
# A long-lived credential is only made after the password (or second factor) was given again
# recently; allauth keeps the POST and replays it once the person has reauthenticated.
@reauthentication_required(enabled=_creates_a_token)
def api_tokens(request):
    """Create (shown once), name and revoke the person's API tokens."""
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST":
        if "revoke" in request.POST:
            revoke = ApiTokenRevokeForm(request.POST)
            if not revoke.is_valid():
                messages.error(
                    request, gettext("That is not one of your tokens; nothing was revoked.")
                )
                return redirect("actors:api-tokens")
            revoked = ApiToken.objects.filter(
                user=request.user, pk=revoke.cleaned_data["revoke"], revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            if revoked:
                messages.success(request, gettext("The token is revoked; it no longer works."))
            return redirect("actors:api-tokens")
        if form.is_valid():
            _, new_key = ApiToken.objects.create_for(
                user=request.user, name=form.cleaned_data["name"]
            )
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "actors/api_tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
    )


def secure_admin(site) -> None:
    """The Django admin: signed in through the portal's own login (MFA, rate limits, logging),
    and used by staff only with their second factor — the same predicate as everywhere."""
    login = secure_admin_login(site.login)

    def has_permission(request):
        return administration_access(request.user) is Access.ALLOW

    def admin_login(request, extra_context=None):
        access = administration_access(request.user)
        if access is Access.MFA_REQUIRED:
            return enforce(request, access, "admin")
        return login(request, extra_context=extra_context)

    site.has_permission = has_permission
    site.login = admin_login
