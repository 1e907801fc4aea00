"""On whose behalf a signed-in person acts: themselves or one of their organisations."""

from actors.models import Actor, Membership
from actors.permissions import memberships_by_actor

ACTING_FOR = "acting_for_actor_id"


def memberships(request) -> list[Membership]:
    return sorted(memberships_by_actor(request.user).values(), key=lambda m: m.actor.name)


def acting_membership(request) -> Membership | None:
    """The membership the person acts under now, or None when they act in their own name."""
    if not request.user.is_authenticated:
        return None
    return memberships_by_actor(request.user).get(request.session.get(ACTING_FOR))


def set_acting_for(request, actor: Actor | None) -> None:
    if actor is None:
        request.session.pop(ACTING_FOR, None)
    else:
        request.session[ACTING_FOR] = actor.pk
