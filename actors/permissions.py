"""Who may do what with users and organisations: one predicate per permission.

HTML views call these functions and the API's permission classes wrap them, so each rule is
written once. Powers of focal points and moderators need a second factor (TOTP): without it the
person keeps their role but cannot use it until they set MFA up.
"""

import enum

from allauth.mfa.models import Authenticator

from actors.models import Actor, Membership

MODERATORS_GROUP = "Moderators"


class Access(enum.Enum):
    """The outcome of a permission check, which views turn into a response."""

    ALLOW = "allow"
    LOGIN_REQUIRED = "login required"
    MFA_REQUIRED = "second factor required"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "hidden"

    def __bool__(self):
        return self is Access.ALLOW


def has_mfa(user) -> bool:
    """Whether the user has a TOTP authenticator (cached on the user for the request)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_has_mfa"):
        user._has_mfa = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()
    return user._has_mfa


def _memberships(user) -> dict[int, Membership]:
    if not hasattr(user, "_memberships_by_actor"):
        user._memberships_by_actor = {
            m.actor_id: m for m in Membership.objects.filter(user=user).select_related("actor")
        }
    return user._memberships_by_actor


def forget(user) -> None:
    """Drop what this module cached on the user after their roles changed."""
    for name in ("_has_mfa", "_memberships_by_actor", "_is_moderator"):
        if hasattr(user, name):
            delattr(user, name)  # works through request.user's lazy wrapper too


def membership_of(user, actor: Actor) -> Membership | None:
    if not user.is_authenticated:
        return None
    return _memberships(user).get(actor.pk)


def is_moderator(user) -> bool:
    """Holds the moderator role (whether or not MFA is set up)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_moderator"):
        user._is_moderator = user.groups.filter(name=MODERATORS_GROUP).exists()
    return user._is_moderator


def is_focal_point(user, actor: Actor) -> bool:
    membership = membership_of(user, actor)
    return bool(membership and membership.role == Membership.Role.FOCAL_POINT)


def can_act_for(user, actor: Actor) -> bool:
    """Contributors and focal points act (draft, comment) on their organisation's behalf."""
    return membership_of(user, actor) is not None and actor.status == Actor.Status.ACCREDITED


def can_view_actor(user, actor: Actor) -> bool:
    """Accredited organisations are public; a proposal is seen by its proposer and admins."""
    if actor.status == Actor.Status.ACCREDITED:
        return True
    return user.is_authenticated and (user.is_superuser or actor.proposed_by_id == user.pk)


def moderation_access(user) -> Access:
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not (is_moderator(user) or user.is_superuser):
        return Access.NOT_FOUND
    return Access.ALLOW if has_mfa(user) else Access.MFA_REQUIRED


def can_moderate(user) -> bool:
    return moderation_access(user) is Access.ALLOW


def actor_management_access(user, actor: Actor) -> Access:
    """Focal points (and administrators) manage an organisation: requests, members, profile.

    A contributor learns they lack the role (403); anyone else cannot tell that the
    organisation's internal pages exist (404).
    """
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not can_view_actor(user, actor):
        return Access.NOT_FOUND
    if user.is_superuser or is_focal_point(user, actor):
        return Access.ALLOW if has_mfa(user) else Access.MFA_REQUIRED
    if membership_of(user, actor) is not None:
        return Access.FORBIDDEN
    return Access.NOT_FOUND


def can_manage_actor(user, actor: Actor) -> bool:
    return actor_management_access(user, actor) is Access.ALLOW


def join_access(user, actor: Actor) -> Access:
    """Any signed-in person may ask to join an accredited organisation they are not part of."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if actor.status != Actor.Status.ACCREDITED:
        return Access.NOT_FOUND
    if membership_of(user, actor) is not None:
        return Access.FORBIDDEN
    return Access.ALLOW
