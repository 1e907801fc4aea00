"""Pledge workflow: creation, conflict-safe edits, the lifecycle's transitions, partners, progress.

Every transition is one function here; the HTML views, the admin and the API call them, and no
other code changes a pledge's status. Each is recorded as a PledgeTransition. A publication, a
withdrawal and a progress report are also told to those who follow them, in the background once
committed (reviews.follows).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, User
from actors.models.notifications import Kind
from actors.notifications import notify_users
from portal.access import Conflict
from portal.i18n import interpolate_lazy
from reviews.follows import PROGRESS, PUBLISHED, WITHDRAWN, announce
from reviews.models import (
    ModerationLogEntry,
    Pledge,
    PledgePartner,
    PledgeTransition,
    ProgressUpdate,
    ReviewCycle,
)
from reviews.models.content_language import writer_language
from reviews.models.pledges import (
    ATTACHMENT_FIELDS,
    EDITABLE_FIELDS,
    EDITABLE_RELATIONS,
    TRANSITIONS,
)
from reviews.services.moderation import log_moderation
from reviews.services.needs import matching_pledge_published
from reviews.services.results import InvalidActuals, actuals_of

Status = Pledge.Status


class TransitionNotAllowed(ValidationError, Conflict):
    """The pledge is not in a state from which this step exists."""


class PledgeConflict(Conflict):
    """Someone saved the pledge since this version was read."""

    def __init__(self, current: Pledge):
        self.current = current
        super().__init__(gettext("The pledge was changed by someone else meanwhile."))

    def api_detail(self) -> dict:
        return {"detail": str(self), "current_version": self.current.version}


# The columns of a pledge the form and the API may set; the relations are set once it is saved.
SCALAR_FIELDS = [
    *(name for name in EDITABLE_FIELDS if name not in EDITABLE_RELATIONS),
    *ATTACHMENT_FIELDS,
]
ONLY_JOINT_PARTNERS = _("Only a joint pledge names partner organisations.")


def _apply(pledge: Pledge, data: dict) -> None:
    for name in SCALAR_FIELDS:
        if name in data:
            setattr(pledge, name, data[name])


def _names_partners(pledge: Pledge, data: dict) -> bool:
    """Whether the pledge names partners once saved: those given, else those it names now."""
    if "partners" in data:
        return bool(data["partners"])
    return pledge.pk is not None and pledge.partnerships.exists()


def _clean(pledge: Pledge, data: dict, *, exclude: list[str]) -> None:
    """The model's rules, and those on relations it cannot check before they are saved: every
    error at once, by field, for the form and the API alike."""
    errors: dict = {}
    try:
        pledge.full_clean(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if pledge.kind != Pledge.Kind.JOINT and _names_partners(pledge, data):
        errors.setdefault("partners", []).append(str(ONLY_JOINT_PARTNERS))
    if errors:
        raise ValidationError(errors)


def _set_relations(pledge: Pledge, data: dict, *, by: User) -> None:
    if "objectives" in data:
        pledge.objectives.set(data["objectives"])
    if "principles" in data:
        pledge.principles.set(data["principles"])
    if "partners" in data:
        _set_partners(pledge, list(data["partners"]), by=by)


def _set_partners(pledge: Pledge, partners: list[Actor], *, by: User) -> None:
    wanted = {actor.pk for actor in partners if actor.pk != pledge.lead_id}
    current = set(pledge.partnerships.values_list("actor_id", flat=True))
    pledge.partnerships.filter(actor_id__in=current - wanted).delete()
    added = wanted - current
    PledgePartner.objects.bulk_create(PledgePartner(pledge=pledge, actor_id=a) for a in added)
    for actor_id in sorted(added):
        _tell_partner(pledge, Actor.objects.get(pk=actor_id))


def _tell_partner(pledge: Pledge, partner: Actor) -> None:
    notify_users(
        users=User.objects.focal_points_of(partner),
        kind=Kind.PARTNERSHIP,
        title=interpolate_lazy(
            _("%(lead)s names %(partner)s as partner of “%(title)s”"),
            {"lead": pledge.lead.name, "partner": partner.name, "title": pledge.title},
        ),
        url=pledge.get_absolute_url(),
        body=interpolate_lazy(
            _(
                "A focal point of %(partner)s confirms or declines the partnership on the "
                "pledge's page; the pledge cannot be published before."
            ),
            {"partner": partner.name},
        ),
    )


@transaction.atomic
def pledge_create(*, lead: Actor, by: User, data: dict) -> Pledge:
    """Start a draft for the lead organisation; drafts may be incomplete."""
    pledge = Pledge(lead=lead, created_by=by, status=Status.DRAFT)
    _apply(pledge, data)
    pledge.language = writer_language(pledge.language)
    if pledge.cycle_id is None:
        pledge.cycle = ReviewCycle.objects.default_for_submissions()
    _clean(pledge, data, exclude=["objectives", "principles"])
    pledge.save()
    _set_relations(pledge, data, by=by)
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, by: User, version: int, data: dict) -> Pledge:
    """Save an edit made to `version`; refuse it when someone saved a newer version meanwhile."""
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if locked.version != version:
        raise PledgeConflict(current=locked)
    if not locked.is_editable:
        raise TransitionNotAllowed(gettext("Only a draft or a returned pledge can be edited."))
    _apply(locked, data)
    locked.version += 1
    # created_by is empty once the author deleted their account; the edit is still valid.
    _clean(locked, data, exclude=["objectives", "principles", "created_by"])
    locked._history_user = by
    locked.save()
    _set_relations(locked, data, by=by)
    return locked


def _transition(pledge: Pledge, step: str, *, by: User, actor: Actor | None, reason: str = ""):
    sources, target = TRANSITIONS[step]
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if locked.status not in sources:
        raise TransitionNotAllowed(
            str(CANNOT_BE[step]) % {"status": locked.get_status_display().lower()}
        )
    PledgeTransition.objects.create(
        pledge=locked,
        from_status=locked.status,
        to_status=target,
        user=by,
        actor=actor,
        reason=reason.strip(),
    )
    locked.status = target
    locked._history_user = by
    return locked


# What each step's outcome is called, in whole sentences for the translators (a participle put
# into a sentence would not agree with "pledge" in every language).
CANNOT_BE = {
    "submit": _("A %(status)s pledge cannot be submitted."),
    "publish": _("A %(status)s pledge cannot be published."),
    "return": _("A %(status)s pledge cannot be returned."),
    "reject": _("A %(status)s pledge cannot be rejected."),
    "withdraw": _("A %(status)s pledge cannot be withdrawn."),
}
STEP_DONE = {
    "submit": _("The pledge is submitted."),
    "publish": _("The pledge is published."),
    "return": _("The pledge is returned."),
    "reject": _("The pledge is rejected."),
    "withdraw": _("The pledge is withdrawn."),
}


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give a reason; the organisation will read it.")})


@transaction.atomic
def pledge_submit(*, pledge: Pledge, by: User) -> Pledge:
    """The lead's focal point submits a complete pledge to the moderators."""
    current = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if current.is_editable:
        errors = current.submission_errors()
        if errors:
            raise ValidationError(errors)
    locked = _transition(current, "submit", by=by, actor=pledge.lead)
    locked.submitted_at = timezone.now()
    locked.save()
    notify_users(
        users=User.objects.moderators(),
        kind=Kind.MODERATION_QUEUE,
        title=gettext("Pledge submitted for review: %(title)s") % {"title": locked.title},
        url=locked.get_absolute_url(),
        body=gettext(
            "%(lead)s submitted “%(title)s”. Publish it, return it for changes or reject it; it "
            "also waits in the moderation queue."
        )
        % {"lead": locked.lead.name, "title": locked.title},
    )
    return locked


@transaction.atomic
def pledge_publish(*, pledge: Pledge, by: User) -> Pledge:
    """A moderator publishes a submitted pledge once every partner has confirmed."""
    # Lock first: a partner declining at the same moment waits for this decision.
    Pledge.objects.select_for_update().get(pk=pledge.pk)
    unconfirmed = pledge.partnerships.exclude(status=PledgePartner.Status.CONFIRMED)
    if unconfirmed.exists():
        names = ", ".join(p.actor.name for p in unconfirmed.select_related("actor"))
        raise TransitionNotAllowed(
            gettext("Every partner must confirm first; still waiting: %(names)s.")
            % {"names": names}
        )
    locked = _transition(pledge, "publish", by=by, actor=None)
    now = timezone.now()
    locked.published_at = now
    locked.last_reported_at = now
    locked.save()
    log_moderation(by, ModerationLogEntry.Action.PLEDGE_PUBLISH, locked)
    _tell_lead(locked, "published")
    matching_pledge_published(locked)  # the need it answers, if any, hears of it
    announce(PUBLISHED, locked.pk, by=by)
    return locked


@transaction.atomic
def pledge_return(*, pledge: Pledge, by: User, reason: str) -> Pledge:
    """A moderator sends a submitted pledge back for changes, saying why."""
    _need_reason(reason)
    locked = _transition(pledge, "return", by=by, actor=None, reason=reason)
    locked.save()
    log_moderation(by, ModerationLogEntry.Action.PLEDGE_RETURN, locked, reason)
    _tell_lead(locked, "returned", reason)
    return locked


@transaction.atomic
def pledge_reject(*, pledge: Pledge, by: User, reason: str) -> Pledge:
    _need_reason(reason)
    locked = _transition(pledge, "reject", by=by, actor=None, reason=reason)
    locked.save()
    log_moderation(by, ModerationLogEntry.Action.PLEDGE_REJECT, locked, reason)
    _tell_lead(locked, "rejected", reason)
    return locked


@transaction.atomic
def pledge_withdraw(*, pledge: Pledge, by: User, reason: str) -> Pledge:
    """The lead's focal point withdraws a published pledge; it stays visible, marked."""
    _need_reason(reason)
    locked = _transition(pledge, "withdraw", by=by, actor=pledge.lead, reason=reason)
    locked.save()
    announce(WITHDRAWN, locked.pk, by=by)
    return locked


def pledge_step(*, pledge: Pledge, step: str, by: User, reason: str = "") -> Pledge:
    """Take one step of the lifecycle by its name (the site's and the API's actions)."""
    if step == "submit":
        return pledge_submit(pledge=pledge, by=by)
    if step == "publish":
        return pledge_publish(pledge=pledge, by=by)
    steps = {"return": pledge_return, "reject": pledge_reject, "withdraw": pledge_withdraw}
    return steps[step](pledge=pledge, by=by, reason=reason)


def _tell_lead(pledge: Pledge, what: str, reason: str = "") -> None:
    # The reason comes first: the bell shows the start of the body only.
    body = gettext("The reason given: %(reason)s") % {"reason": reason.strip()} if reason else ""
    if body:
        body += "\n\n"
    body += {
        "returned": gettext("Edit it and submit it again."),
        "rejected": gettext("The secretariat's moderators will not publish it."),
        "published": gettext("It is now public on the portal."),
    }[what]
    title = {
        "returned": gettext("Your pledge was returned: %(title)s"),
        "rejected": gettext("Your pledge was rejected: %(title)s"),
        "published": gettext("Your pledge was published: %(title)s"),
    }[what]
    notify_users(
        users=User.objects.focal_points_of(pledge.lead_id),
        kind=Kind.PLEDGE_WORKFLOW,
        title=title % {"title": pledge.title},
        url=pledge.get_absolute_url(),
        body=body,
    )


@transaction.atomic
def partnership_decide(*, partnership: PledgePartner, by: User, confirm: bool) -> PledgePartner:
    """A partner's focal point confirms or declines being named on a joint pledge."""
    pledge = Pledge.objects.select_for_update().get(pk=partnership.pledge_id)
    if pledge.status not in Pledge.PARTNERSHIP_OPEN:
        raise TransitionNotAllowed(
            gettext("Partnerships are decided before the pledge is published.")
        )
    locked = PledgePartner.objects.select_for_update().get(pk=partnership.pk)
    locked.status = PledgePartner.Status.CONFIRMED if confirm else PledgePartner.Status.DECLINED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def progress_update_create(
    *,
    pledge: Pledge,
    by: User,
    actor: Actor,
    date,
    stage: str,
    narrative: str,
    language: str = "",
    actuals: list[dict] | None = None,
) -> ProgressUpdate:
    """Report progress on a published pledge, with the actual values its indicators reached
    (results.actuals_of says what each holds); it moves the implementation status."""
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if locked.status != Status.PUBLISHED:
        raise TransitionNotAllowed(gettext("Progress is reported on published pledges only."))
    if date > timezone.localdate():
        raise ValidationError({"date": gettext("A progress report cannot be dated in the future.")})
    values, problems = actuals_of(locked, actuals or [], date=date)
    if any(problems):
        raise InvalidActuals(problems)
    update = ProgressUpdate(
        pledge=locked,
        author=by,
        actor=actor,
        date=date,
        stage=stage,
        narrative=narrative.strip(),
        language=writer_language(language),
    )
    update.full_clean()
    update.save()
    for value in values:  # one by one, so that each has its history row, signed
        value.update = update
        value._history_user = by
        value.save()
    latest = locked.progress_updates.latest_shown()
    locked.implementation_status = latest.stage
    locked.last_reported_at = timezone.now()
    locked._history_user = by
    locked.save(update_fields=["implementation_status", "last_reported_at", "updated_at"])
    announce(PROGRESS, update.pk, by=by)
    return update
