"""Changes to users, organisations and memberships that carry rules or side effects."""

import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from actors import follows
from actors.models import Actor, ApiToken, Follow, JoinRequest, Membership, User
from actors.models.notifications import Kind
from actors.notifications import notify_user, notify_users
from actors.permissions import can_unfollow
from portal.i18n import interpolate_lazy, lower_lazy

security_log = logging.getLogger("portal.security")


def join_request_create(*, user: User, actor: Actor, message: str = "") -> JoinRequest:
    """Ask to act for an organisation; its focal points are notified."""
    if Membership.objects.filter(user=user, actor=actor).exists():
        raise ValidationError(gettext("You already belong to this organisation."))
    join_request = JoinRequest(user=user, actor=actor, message=message.strip())
    join_request.full_clean()
    with transaction.atomic():
        join_request.save()
        notify_users(
            users=User.objects.focal_points_of(actor),
            kind=Kind.JOIN_REQUEST,
            title=interpolate_lazy(
                gettext_lazy("%(requester)s asks to join %(actor)s"),
                {"requester": _requester_name(user), "actor": actor.name},
            ),
            url=reverse("actors:join-requests", args=[actor.slug]),
            # Worded for each focal point in their own language (notify_user activates it).
            body=lazy(_join_request_body, str)(join_request),
        )
    return join_request


def _requester_name(user: User) -> str:
    return user.display_name or gettext("Someone who gave no name")


def _join_request_body(join_request: JoinRequest) -> str:
    """Who is asking, as the focal points' mail tells it: their name and their organisations.
    The e-mail address stays on the requests page, behind the focal points' sign-in."""
    others = [
        gettext("%(actor)s (%(role)s)")
        % {"actor": m.actor.name, "role": m.get_role_display().lower()}
        for m in JoinRequest.objects.waiting_for(join_request.actor)
        .get(pk=join_request.pk)
        .user.requester_memberships
    ]
    lines = [
        gettext("%(requester)s asks to act for %(actor)s.")
        % {"requester": _requester_name(join_request.user), "actor": join_request.actor.name},
        gettext("They act for: %(actors)s.") % {"actors": ", ".join(others)}
        if others
        else gettext("They act for no other organisation."),
    ]
    if join_request.message:
        lines.append(gettext("Their message: %(message)s") % {"message": join_request.message})
    lines.append(
        gettext(
            "See who is asking and approve or refuse the request on the organisation's requests "
            "page."
        )
    )
    return "\n\n".join(lines)


def _decide(join_request: JoinRequest, *, by: User, status: str, **fields) -> JoinRequest:
    # Lock the row so two focal points deciding at once cannot both act on it.
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise ValidationError(gettext("This request has already been decided."))
    locked.status = status
    locked.decided_by = by
    locked.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def join_request_approve(*, join_request: JoinRequest, by: User, role: str) -> Membership:
    """Approve a request with the given role; the requester is notified."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": gettext("Choose contributor or focal point.")})
    decided = _decide(join_request, by=by, status=JoinRequest.Status.APPROVED, role=role)
    membership, _ = Membership.objects.update_or_create(
        user=decided.user, actor=decided.actor, defaults={"role": role}
    )
    notify_user(
        user=decided.user,
        kind=Kind.MEMBERSHIP,
        title=interpolate_lazy(
            gettext_lazy("You can now act for %(actor)s"), {"actor": decided.actor.name}
        ),
        url=reverse("actors:my-organisations"),
        body=interpolate_lazy(
            gettext_lazy(
                "Your request to act for %(actor)s was approved: you are now its %(role)s."
            ),
            {
                "actor": decided.actor.name,
                "role": lower_lazy(Membership.Role(decided.role).label),
            },
        ),
    )
    return membership


@transaction.atomic
def join_request_refuse(*, join_request: JoinRequest, by: User, reason: str) -> JoinRequest:
    """Refuse a request with a reason; the requester is notified."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say why the request is refused.")})
    decided = _decide(join_request, by=by, status=JoinRequest.Status.REFUSED, reason=reason)
    notify_user(
        user=decided.user,
        kind=Kind.MEMBERSHIP,
        title=interpolate_lazy(
            gettext_lazy("Your request to act for %(actor)s was refused"),
            {"actor": decided.actor.name},
        ),
        url=reverse("actors:my-organisations"),
        body=interpolate_lazy(
            gettext_lazy("The reason given: %(reason)s"), {"reason": decided.reason}
        ),
    )
    return decided


def _ensure_another_focal_point(membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(actor_id=membership.actor_id, role=Membership.Role.FOCAL_POINT)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            gettext(
                "An organisation needs at least one focal point: name another before this one "
                "steps down."
            )
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": gettext("Choose contributor or focal point.")})
    if membership.role == Membership.Role.FOCAL_POINT and role != membership.role:
        _ensure_another_focal_point(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    if membership.role == Membership.Role.FOCAL_POINT:
        _ensure_another_focal_point(membership)
    membership.delete()


@transaction.atomic
def actor_propose(*, user: User, name: str, kind: str, note: str = "", **fields) -> Actor:
    """Propose a new organisation; it stays hidden until an administrator accredits it."""
    actor = Actor(
        name=name.strip(),
        kind=kind,
        status=Actor.Status.PROPOSED,
        proposed_by=user,
        proposal_note=note.strip(),
        **fields,
    )
    actor.slug = _unique_slug(actor.name)
    actor.full_clean()
    actor.save()
    return actor


def _unique_slug(name: str) -> str:
    from django.utils.text import slugify

    base = slugify(name)[:70] or "organisation"
    slug = base
    while Actor.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(4).lower()}"
    return slug


@transaction.atomic
def actor_accredit(*, actor: Actor, by: User) -> Actor:
    """Accredit a proposed organisation; its proposer becomes its first focal point."""
    if actor.status == Actor.Status.ACCREDITED:
        return actor
    actor.status = Actor.Status.ACCREDITED
    actor.save(update_fields=["status"])
    if actor.proposed_by_id:
        Membership.objects.update_or_create(
            user_id=actor.proposed_by_id,
            actor=actor,
            defaults={"role": Membership.Role.FOCAL_POINT},
        )
        notify_user(
            user=actor.proposed_by,
            kind=Kind.MEMBERSHIP,
            title=interpolate_lazy(gettext_lazy("%(actor)s is accredited"), {"actor": actor.name}),
            url=actor.get_absolute_url(),
            body=interpolate_lazy(
                gettext_lazy(
                    "%(actor)s, which you proposed, is now accredited on the portal and you are "
                    "its first focal point. Set up two-factor authentication to use your focal "
                    "point powers, then invite colleagues to ask to join."
                ),
                {"actor": actor.name},
            ),
        )
    return actor


@transaction.atomic
def actor_decline(*, actor: Actor, by: User) -> Actor:
    if actor.status != Actor.Status.PROPOSED:
        raise ValidationError(gettext("Only a proposed organisation can be declined."))
    actor.status = Actor.Status.DECLINED
    actor.save(update_fields=["status"])
    return actor


def sessions_end(*, user: User, keep_session_key: str | None = None) -> int:
    """End every session of the user except, optionally, the current one."""
    ended = 0
    for session in UserSession.objects.filter(user=user):
        if session.session_key != keep_session_key:
            session.end()
            ended += 1
    return ended


def tokens_revoke(*, user: User) -> int:
    """Revoke every API token of the user that still works; returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def credentials_revoke(*, user: User, keep_session_key: str | None = None) -> tuple[int, int]:
    """End the user's sessions (but the one kept) and revoke their API tokens, together:
    after a password change or reset, or when the account is disabled, nothing issued under the
    old credentials keeps working. Returns (sessions ended, tokens revoked)."""
    return sessions_end(user=user, keep_session_key=keep_session_key), tokens_revoke(user=user)


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """Disable an account (an administrator's decision): it cannot sign in, its sessions end and
    its API tokens are revoked."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    credentials_revoke(user=user)
    security_log.info("user deactivated: user=%s by=%s", user.pk, by.pk)
    return user


@transaction.atomic
def user_delete(*, user: User) -> User:
    """Delete an account at its owner's request.

    What they wrote stays, attributed to "former member": the row is kept without anything that
    identifies the person, and it can never sign in again.
    """
    orphaned = [
        m.actor.name
        for m in Membership.objects.filter(user=user, role=Membership.Role.FOCAL_POINT)
        .select_related("actor")
        .select_for_update(of=("self",))
        if not Membership.objects.filter(actor_id=m.actor_id, role=Membership.Role.FOCAL_POINT)
        .exclude(user=user)
        .exists()
    ]
    if orphaned:
        raise ValidationError(
            gettext(
                "You are the only focal point of %(actors)s. Name another focal point before "
                "deleting your account."
            )
            % {"actors": ", ".join(orphaned)}
        )
    # The row is kept, so its tokens are too: revoked, like its sessions ended.
    credentials_revoke(user=user)
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING).delete()
    Follow.objects.filter(user=user).delete()  # what they followed says who they are
    user.email = f"deleted-{user.pk}@invalid.invalid"
    user.display_name = ""
    user.deleted_at = timezone.now()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    return user


# Each saved search is read again at every publication (reviews.follows): a bound keeps one
# person's follows from costing every publication a long while.
MAX_FOLLOWS = 200


@transaction.atomic
def follow_create(*, user: User, kind: str, key: str) -> Follow:
    """Follow a public pledge, an objective, an organisation of the directory or a saved search of
    the pledge list (actors.follows checks the target); following it again changes nothing."""
    target = follows.target(kind, key)
    existing = Follow.objects.filter(user=user, kind=target.kind, key=target.key).first()
    if existing is not None:
        return existing
    if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
        raise ValidationError(
            gettext("You follow as many things as one may (%(limit)s); unfollow some first.")
            % {"limit": MAX_FOLLOWS}
        )
    follow = Follow(user=user, kind=target.kind, key=target.key, label=target.label)
    follow.full_clean(validate_constraints=False)
    # Two clicks at once: the unique constraint keeps one follow, and both get it.
    follow, _created = Follow.objects.get_or_create(
        user=user, kind=follow.kind, key=follow.key, defaults={"label": follow.label}
    )
    return follow


def follow_delete(*, user: User, follow: Follow) -> None:
    """Stop following; only the follow's own person may."""
    if not can_unfollow(user, follow):
        raise PermissionDenied("not their follow")
    follow.delete()
