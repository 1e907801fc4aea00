"""Who may do what with users and organisations: one predicate per permission.

HTML views call these functions and the API's permission classes wrap them, so each rule is
written once. The powers of focal points, moderators and administrators need a second factor
(TOTP): without it the person keeps their role but cannot use it until they set MFA up. One
predicate, `oversight_access`, decides what moderators and administrators may see and do beyond
everyone else, on every page and in the API; `administration_access` (staff, with the same
second factor) opens the Django admin.
"""

from datetime import UTC, datetime

from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from actors.models import MODERATORS_GROUP, Actor, Membership, Notification, User
from portal.access import Access
from portal.expressions import RelatedList

__all__ = ["MODERATORS_GROUP", "Access"]


def _unread_count():
    return Coalesce(
        Subquery(
            Notification.objects.filter(user_id=OuterRef("pk"))
            .unread()
            .values("user_id")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def _fields(model) -> dict:
    return {field.attname: field.attname for field in model._meta.concrete_fields}


def with_roles(users):
    """`users` annotated with what every signed-in request asks of a person, so that it is read
    with the person in one query (actors.backends loads the signed-in user this way): the
    moderator role, a TOTP authenticator, the unread notifications of the layout's bell, and
    their memberships with the organisations (a role query and a membership query on every
    signed-in page and API request before; DESIGN §8 allows an API list 4 queries)."""
    memberships = Membership.objects.filter(user_id=OuterRef("pk")).order_by("pk")
    actor = {f"actor__{name}": f"actor__{column}" for name, column in _fields(Actor).items()}
    return users.annotate(
        roles_is_moderator=Exists(
            User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=MODERATORS_GROUP)
        ),
        roles_has_mfa=Exists(
            Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)
        ),
        roles_unread=_unread_count(),
        roles_memberships=RelatedList(
            memberships.values(item=JSONObject(**_fields(Membership), **actor)), objects=True
        ),
    )


def _instance(model, db: str | None, values: dict, prefix: str = ""):
    """A model instance from a JSON object of its concrete fields (as database `db` wrote them)."""
    names, row = [], []
    for field in model._meta.concrete_fields:
        value = field.to_python(values[prefix + field.attname])
        if isinstance(value, datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)  # SQLite's JSON holds UTC without offset
        names.append(field.attname)
        row.append(value)
    return model.from_db(db, names, row)


def take_roles(user, found) -> None:
    """Cache on `user` the facts that with_roles() read into `found` (the same person)."""
    user._is_moderator = bool(found.roles_is_moderator)
    user._has_mfa = bool(found.roles_has_mfa)
    user._unread_notifications = found.roles_unread
    memberships = {}
    for values in found.roles_memberships:
        membership = _instance(Membership, found._state.db, values)
        membership.actor = _instance(Actor, found._state.db, values, prefix="actor__")
        memberships[membership.actor_id] = membership
    user._memberships_by_actor = memberships


def _load_roles(user) -> None:
    """The facts of with_roles() for a user that was not loaded with them (one query)."""
    found = with_roles(User.objects.filter(pk=user.pk)).first()
    if found is None:  # the account is gone: no role, nothing to read
        user._is_moderator = user._has_mfa = False
        user._unread_notifications = 0
        user._memberships_by_actor = {}
        return
    take_roles(user, found)


def unread_notifications(user) -> int:
    """How many notifications the person has not read (cached on the user for the request)."""
    if not user.is_authenticated:
        return 0
    if not hasattr(user, "_unread_notifications"):
        _load_roles(user)
    return user._unread_notifications


def has_mfa(user) -> bool:
    """Whether the user has a TOTP authenticator (cached on the user for the request)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_has_mfa"):
        _load_roles(user)
    return user._has_mfa


def memberships_by_actor(user) -> dict[int, Membership]:
    """The person's memberships by organisation id (cached on the user for the request)."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_memberships_by_actor"):
        _load_roles(user)
    return user._memberships_by_actor


def forget(user) -> None:
    """Drop what this module cached on the user after their roles changed."""
    for name in ("_has_mfa", "_memberships_by_actor", "_is_moderator", "_unread_notifications"):
        if hasattr(user, name):
            delattr(user, name)  # works through request.user's lazy wrapper too


def membership_of(user, actor: Actor) -> Membership | None:
    return memberships_by_actor(user).get(actor.pk)


def is_moderator(user) -> bool:
    """Holds the moderator role (whether or not MFA is set up)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_moderator"):
        _load_roles(user)
    return user._is_moderator


def is_administrator(user) -> bool:
    """Holds the administrator role (whether or not MFA is set up)."""
    return user.is_authenticated and user.is_active and user.is_superuser


def is_focal_point(user, actor: Actor) -> bool:
    membership = membership_of(user, actor)
    return bool(membership and membership.role == Membership.Role.FOCAL_POINT)


def _with_mfa(user) -> Access:
    return Access.ALLOW if has_mfa(user) else Access.MFA_REQUIRED


def oversight_access(user) -> Access:
    """Moderators and administrators see and do what others cannot — once MFA is set up.

    Without the role the oversight pages do not exist for the person (404).
    """
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not holds_oversight_role(user):
        return Access.NOT_FOUND
    return _with_mfa(user)


def holds_oversight_role(user) -> bool:
    """Moderator or administrator, whether or not MFA is set up (for links and reminders)."""
    return is_moderator(user) or is_administrator(user)


def can_oversee(user) -> bool:
    """Sees drafts of every organisation and hidden content; moderates. MFA included."""
    return oversight_access(user) is Access.ALLOW


def administration_access(user) -> Access:
    """The Django admin and the administrators' powers on the site: staff, with MFA."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not (user.is_active and (user.is_staff or user.is_superuser)):
        return Access.NOT_FOUND
    return _with_mfa(user)


def can_administer(user) -> bool:
    return is_administrator(user) and administration_access(user) is Access.ALLOW


def can_act_for(user, actor: Actor) -> bool:
    """Contributors and focal points act (draft, comment) on their organisation's behalf."""
    return membership_of(user, actor) is not None and actor.status == Actor.Status.ACCREDITED


def can_view_actor(user, actor: Actor) -> bool:
    """Accredited organisations are public; a proposal is seen by its proposer and admins."""
    if actor.status == Actor.Status.ACCREDITED:
        return True
    return user.is_authenticated and (can_administer(user) or actor.proposed_by_id == user.pk)


def actor_management_access(user, actor: Actor) -> Access:
    """Focal points (and administrators) manage an organisation: requests, members, profile.

    A contributor learns they lack the role (403); anyone else cannot tell that the
    organisation's internal pages exist (404).
    """
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    proposal = actor.status != Actor.Status.ACCREDITED
    if proposal and not is_administrator(user) and actor.proposed_by_id != user.pk:
        return Access.NOT_FOUND
    if is_administrator(user) or is_focal_point(user, actor):
        return _with_mfa(user)
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


def follow_access(user) -> Access:
    """Anyone signed in may follow what is public (actors.follows checks the target)."""
    return Access.ALLOW if user.is_authenticated else Access.LOGIN_REQUIRED


def can_unfollow(user, follow) -> bool:
    """A follow is its person's own: no one else may end it, nor learn that it exists."""
    return user.is_authenticated and follow.user_id == user.pk
