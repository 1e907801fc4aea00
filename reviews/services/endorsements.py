"""Endorsements: an organisation endorses another's published pledge, and withdraws it.

The permission predicates (reviews.permissions.endorse_access, withdraw_endorsement_access)
decide who may; these functions check again what could have changed since (the pledge's state,
an endorsement made meanwhile) once they hold their lock, write, and tell the lead.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from actors.models import Actor, User
from actors.models.notifications import Kind
from actors.notifications import notify_users
from actors.permissions import can_act_for, memberships_by_actor
from portal.access import Conflict
from portal.i18n import interpolate_lazy
from portal.ratelimit import RateLimited, hit
from reviews.models import Endorsement, Pledge
from reviews.models.endorsements import NOTE_MAX

# Ten endorsements in ten minutes: each one notifies the lead's focal points, so endorsing and
# withdrawing in a loop must not flood them.
ENDORSE_RATE = (10, 10 * 60)


class AlreadyEndorsed(ValidationError, Conflict):
    """The organisation already endorses the pledge: one endorsement stands per organisation."""


class EndorsementNotPossible(ValidationError, Conflict):
    """The pledge or the endorsement is not in a state that allows this any more."""


@transaction.atomic
def endorsement_create(
    *,
    pledge: Pledge,
    actor: Actor,
    by: User,
    offers_partnership: bool = False,
    note: str = "",
) -> Endorsement:
    """`actor` endorses `pledge`, through its member `by`; the lead's focal points are told.

    Two endorsements by one organisation at once cannot both stand: the pledge's row is locked
    while the organisation's active endorsement is looked for (and the database's conditional
    unique constraint would refuse a second anyway)."""
    limit, window = ENDORSE_RATE
    if not hit(f"endorse:{by.pk}", limit=limit, window=window):
        raise RateLimited(
            gettext("You have endorsed many pledges in a short while; please wait a few minutes.")
        )
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if locked.status != Pledge.Status.PUBLISHED:
        raise EndorsementNotPossible(gettext("Only a published pledge can be endorsed."))
    if not can_act_for(by, actor):
        raise ValidationError(
            {"actor": gettext("You can only endorse for your own organisations.")}
        )
    if Endorsement.objects.active().filter(pledge=locked, actor=actor).exists():
        raise AlreadyEndorsed(
            gettext("%(actor)s already endorses this pledge.") % {"actor": actor.name}
        )
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {
                "note": ngettext(
                    "Keep the note under %(max)d character.",
                    "Keep the note under %(max)d characters.",
                    NOTE_MAX,
                )
                % {"max": NOTE_MAX}
            }
        )
    endorsement = Endorsement(
        pledge=locked,
        actor=actor,
        endorsed_by=by,
        offers_partnership=offers_partnership,
        note=note,
    )
    # The constraint is the database's to check, below: full_clean() would only ask it again.
    endorsement.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            endorsement.save()
    except IntegrityError as error:
        raise AlreadyEndorsed(
            gettext("%(actor)s already endorses this pledge.") % {"actor": actor.name}
        ) from error
    _notify_lead(endorsement)
    return endorsement


def _notify_lead(endorsement: Endorsement) -> None:
    pledge, actor = endorsement.pledge, endorsement.actor
    if endorsement.offers_partnership:
        title = gettext_lazy("%(actor)s endorses your pledge “%(title)s” and offers to partner")
    else:
        title = gettext_lazy("%(actor)s endorses your pledge “%(title)s”")
    notify_users(
        # A focal point who is also a member of the endorsing organisation knows already.
        users=User.objects.focal_points_of(pledge.lead_id).exclude(pk=endorsement.endorsed_by_id),
        kind=Kind.ENDORSEMENT,
        title=interpolate_lazy(title, {"actor": actor.name, "title": pledge.title}),
        url=endorsement.get_absolute_url(),
        body=endorsement.note,
    )


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, by: User) -> Endorsement:
    """A member of the endorsing organisation withdraws its endorsement. The row stays, marked
    with when and by whom, and the organisation may endorse the pledge again."""
    locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if locked.actor_id not in memberships_by_actor(by):
        raise ValidationError(gettext("Only a member of the organisation can withdraw it."))
    if not locked.is_active:
        raise EndorsementNotPossible(gettext("This endorsement is already withdrawn."))
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    endorsement.withdrawn_at, endorsement.withdrawn_by = locked.withdrawn_at, by
    return endorsement
