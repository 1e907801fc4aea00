"""Needs and their answers: publishing and editing a need, marking it met or closing it, offers
and their withdrawal, moderators hiding and restoring a need, and telling the people concerned.

The permission predicates (reviews.permissions.need_create_access, need_manage_access,
offer_access, offer_withdraw_access, need_moderation_access) decide who may; these functions
check again, once they hold their lock, what could have changed since (the need met or closed
meanwhile), write, and notify through the one path (actors.notifications).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from actors.models import Actor, User
from actors.models.notifications import Kind
from actors.notifications import notify_users
from actors.permissions import can_act_for, memberships_by_actor
from portal.access import Conflict
from portal.i18n import interpolate_lazy
from reviews.models import ModerationLogEntry, Need, Offer, Pledge
from reviews.models.content_language import writer_language
from reviews.models.needs import support_text
from reviews.services.comments import COMMENT_RATE, check_can_post
from reviews.services.moderation import log_moderation

# Each need and each offer notifies people: as many in a while as comments.
NEED_RATE = COMMENT_RATE
# What the form and the API set of a need; the objectives are set once it is saved.
NEED_FIELDS = ("title", "description", "countries", "support", "cycle", "language")


class NeedNotPossible(ValidationError, Conflict):
    """The need is not in a state that allows this any more (a 409)."""


def _apply(need: Need, data: dict) -> None:
    for name in NEED_FIELDS:
        if name in data:
            setattr(need, name, data[name])
    need.support = support_text(need.support)
    need.title = need.title.strip()
    need.description = need.description.strip()


def _clean(need: Need, data: dict) -> None:
    """The model's rules and the objectives' (≥ 1), every error at once, by field."""
    errors: dict = {}
    try:
        need.full_clean(exclude=["objectives"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    objectives = data.get("objectives")
    if objectives is not None and not list(objectives):
        errors.setdefault("objectives", []).append(gettext("Choose at least one objective."))
    if errors:
        raise ValidationError(errors)


def _may_act_for(user: User, actor: Actor) -> None:
    if actor.pk not in memberships_by_actor(user) or not can_act_for(user, actor):
        raise ValidationError({"actor": gettext("You can only act for your own organisations.")})


def _lock(need: Need) -> Need:
    return Need.objects.select_for_update().get(pk=need.pk)


def _still_open(locked: Need) -> None:
    if not locked.is_open or locked.is_hidden:
        raise NeedNotPossible(gettext("This need is no longer open."))


@transaction.atomic
def need_create(*, actor: Actor, by: User, data: dict) -> Need:
    """Publish a need of the organisation, at once (moderators hide it if they must)."""
    check_can_post(by, "need", NEED_RATE)
    _may_act_for(by, actor)
    if "objectives" not in data:
        data = {**data, "objectives": []}
    need = Need(actor=actor, created_by=by)
    _apply(need, data)
    need.language = writer_language(need.language)
    _clean(need, data)
    need.save()
    need.objectives.set(data["objectives"])
    return need


@transaction.atomic
def need_update(*, need: Need, by: User, data: dict) -> Need:
    """Change an open need (the last save wins: a need is short, and one organisation's)."""
    check_can_post(by, "need", NEED_RATE)
    locked = _lock(need)
    _still_open(locked)
    _may_act_for(by, locked.actor)
    _apply(locked, data)
    _clean(locked, data)
    locked.save()
    if "objectives" in data:
        locked.objectives.set(data["objectives"])
    return locked


@transaction.atomic
def need_mark_met(*, need: Need, by: User) -> Need:
    """Its organisation says the need is met: it leaves the open board (found with
    status=met), and whoever offered is told."""
    locked = _lock(need)
    _still_open(locked)
    _may_act_for(by, locked.actor)
    locked.status = Need.Status.MET
    locked.met_at = timezone.now()
    locked.save(update_fields=["status", "met_at", "updated_at"])
    offerers = User.objects.filter(
        is_active=True,
        pk__in=Offer.objects.active().filter(need=locked).values("created_by"),
    ).exclude(pk=by.pk)
    notify_users(
        users=offerers,
        kind=Kind.NEED_MET,
        title=interpolate_lazy(
            gettext_lazy("%(organisation)s marked its need “%(title)s” as met"),
            {"organisation": locked.actor.name, "title": locked.title},
        ),
        url=locked.get_absolute_url(),
    )
    return locked


@transaction.atomic
def need_close(*, need: Need, by: User) -> Need:
    """Its organisation withdraws an open need: it leaves the board and the public pages."""
    locked = _lock(need)
    _still_open(locked)
    _may_act_for(by, locked.actor)
    locked.status = Need.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked


@transaction.atomic
def offer_create(*, need: Need, actor: Actor, by: User, body: str) -> Offer:
    """Another organisation offers to meet an open need; the need's focal points are told."""
    check_can_post(by, "offer", NEED_RATE)
    locked = _lock(need)
    _still_open(locked)
    _may_act_for(by, actor)
    body = body.strip()
    if not body:
        raise ValidationError({"body": gettext("Say what your organisation offers.")})
    offer = Offer(need=locked, actor=actor, created_by=by, body=body)
    offer.full_clean()
    offer.save()
    _tell_need_actor(
        locked,
        title=interpolate_lazy(
            gettext_lazy("%(organisation)s offers support for your need “%(title)s”"),
            {"organisation": actor.name, "title": locked.title},
        ),
        url=offer.get_absolute_url(),
        body=body,
        exclude=by,
    )
    return offer


@transaction.atomic
def offer_withdraw(*, offer: Offer, by: User) -> Offer:
    """A member of the offering organisation takes the offer back (it leaves the need's page)."""
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if not locked.is_active:
        raise NeedNotPossible(gettext("This offer was already withdrawn."))
    if locked.actor_id not in memberships_by_actor(by):
        raise ValidationError(gettext("Only the offering organisation withdraws its offer."))
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    offer.withdrawn_at = locked.withdrawn_at
    return locked


def _tell_need_actor(need: Need, *, title, url: str, body: str = "", exclude=None) -> int:
    users = User.objects.focal_points_of(need.actor_id)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return notify_users(users=users, kind=Kind.NEED_ANSWER, title=title, url=url, body=body)


def matching_pledge_published(pledge: Pledge) -> int:
    """A matching pledge answering a need became public: the need's focal points are told
    (reviews.services.pledges.pledge_publish calls this)."""
    if pledge.answers_need_id is None:
        return 0
    need = Need.objects.select_related("actor").get(pk=pledge.answers_need_id)
    if need.is_hidden:
        return 0
    return _tell_need_actor(
        need,
        title=interpolate_lazy(
            gettext_lazy("%(organisation)s published a pledge answering your need “%(title)s”"),
            {"organisation": pledge.lead.name, "title": need.title},
        ),
        url=pledge.get_absolute_url(),
        body=pledge.summary,
    )


@transaction.atomic
def need_hide(*, need: Need, moderator: User, reason: str) -> Need:
    """A moderator hides a need, with a reason (logged): it is gone from every public list."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Give a reason; it is kept in the log.")})
    locked = _lock(need)
    if locked.is_hidden:
        raise NeedNotPossible(gettext("This need is already hidden."))
    locked.is_hidden = True
    locked.hidden_reason = reason
    locked.hidden_at = timezone.now()
    locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "updated_at"])
    log_moderation(moderator, ModerationLogEntry.Action.NEED_HIDE, locked, reason)
    return locked


@transaction.atomic
def need_restore(*, need: Need, moderator: User, reason: str = "") -> Need:
    """A moderator shows a hidden need again (logged)."""
    locked = _lock(need)
    if not locked.is_hidden:
        raise NeedNotPossible(gettext("This need is not hidden."))
    locked.is_hidden = False
    locked.hidden_reason = ""
    locked.hidden_at = None
    locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "updated_at"])
    log_moderation(moderator, ModerationLogEntry.Action.NEED_RESTORE, locked, reason)
    return locked
