"""What a follow names: each kind of target, how its key is written and checked, and its address.

The actors app knows the organisations. The reviews app registers the kinds it owns (pledges,
objectives, saved searches of the pledge list) when it is ready (reviews.follows.register), so
that the services, pages and buttons here serve every kind without importing it: the
dependency runs one way (tests/test_dependencies.py). Delivering the new items to the followers
is the reviews app's too, since they are pledges and progress reports (reviews.follows).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from actors.models import Actor, Follow
from actors.models.follows import KEY_LENGTH
from portal.addresses import address


@dataclass(frozen=True)
class TargetKind:
    # The key as stored, from any spelling of it; no query, so a page may call it per button.
    normalise: Callable[[str], str]
    # What the person sees the target called, from a normalised key; a ValidationError when the
    # key names nothing public.
    label: Callable[[str], str]
    # The target's page, from a stored key; no query (the list of follows shows many).
    url: Callable[[str], str]


@dataclass(frozen=True)
class Target:
    kind: str
    key: str
    label: str


KINDS: dict[str, TargetKind] = {}
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def register(kind: str, target_kind: TargetKind) -> None:
    KINDS[kind] = target_kind


def normalise(kind: str, key: str) -> str:
    """The stored form of `key` for a follow of `kind` ("" for a kind that does not exist)."""
    target_kind = KINDS.get(kind)
    return target_kind.normalise(str(key)) if target_kind else ""


def target(kind: str, key: str) -> Target:
    """The public target `kind` and `key` name; a ValidationError with a message for the person
    when they name nothing one may follow."""
    target_kind = KINDS.get(kind)
    if target_kind is None:
        raise ValidationError(gettext("This is not something one can follow."))
    key = target_kind.normalise(str(key))
    if len(key) > KEY_LENGTH:
        raise ValidationError(gettext("This is too long to follow."))
    return Target(kind=kind, key=key, label=str(target_kind.label(key))[:300])


def url_of(follow: Follow) -> str:
    return KINDS[follow.kind].url(follow.key)


def follows_of(request) -> dict[tuple[str, str], Follow]:
    """The signed-in person's follows by (kind, key), read once per request however many
    buttons a page shows; nothing is read for a visitor."""
    cached = getattr(request, "_follows", None)
    if cached is None:
        cached = {}
        if request.user.is_authenticated:
            found = Follow.objects.filter(user=request.user).only("kind", "key", "label")
            cached = {(f.kind, f.key): f for f in found}
        request._follows = cached
    return cached


def _actor_label(slug: str) -> str:
    actor = None
    if SLUG.fullmatch(slug):  # only what a slug can be reaches the database
        actor = Actor.objects.accredited().filter(slug=slug).only("name").first()
    if actor is None:
        raise ValidationError(gettext("Only an organisation of the directory can be followed."))
    return actor.name


register(
    Follow.Kind.ACTOR,
    TargetKind(
        normalise=str.strip,
        label=_actor_label,
        url=lambda slug: address("actors:actor-detail", slug),
    ),
)
