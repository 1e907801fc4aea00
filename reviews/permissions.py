"""Who may do what with pledges, their progress and the conversation: one predicate each.

Each `*_access` function answers with an `Access` outcome — allow, sign in, set up MFA, not found,
forbidden, or not possible in the object's state — that the HTML views (`portal.access.enforce`)
and the API (`portal.api.require`) turn into a response, and templates read `.offered` from to
decide which buttons to show. A pledge the person may not see is a 404 whatever they try.
"""

from django.utils import timezone

from actors.permissions import (
    Access,
    can_act_for,
    can_oversee,
    has_mfa,
    is_focal_point,
    memberships_by_actor,
    oversight_access,
)
from reviews.models import Pledge, PledgePartner
from reviews.models.endorsements import named_on
from reviews.models.questions import addressee_ids

# Visibility: what the person may read.


def visible_pledges(user, pledges=None):
    """The pledges the person may read: the public ones, their organisations' own and those
    naming them as partner; everything for those who oversee the portal (with MFA)."""
    pledges = Pledge.objects.all() if pledges is None else pledges
    if can_oversee(user):
        return pledges
    if not user.is_authenticated:
        return pledges.public()
    return pledges.public_or_involving(list(memberships_by_actor(user)))


def _member_of_lead(user, pledge: Pledge) -> bool:
    return pledge.lead_id in memberships_by_actor(user)


def _partner_actor_ids(user, pledge: Pledge) -> set[int]:
    mine = set(memberships_by_actor(user))
    return {p.actor_id for p in pledge.partnerships.all() if p.actor_id in mine}


def can_view_pledge(user, pledge: Pledge) -> bool:
    if pledge.is_public:
        return True
    if not user.is_authenticated:
        return False
    return (
        can_oversee(user) or _member_of_lead(user, pledge) or bool(_partner_actor_ids(user, pledge))
    )


def view_access(user, pledge: Pledge) -> Access:
    return Access.ALLOW if can_view_pledge(user, pledge) else Access.NOT_FOUND


def sees_hidden(user) -> bool:
    """Hidden comments and progress updates are shown (marked) to those who oversee."""
    return can_oversee(user)


# Actions on a pledge.


def _require(user, pledge: Pledge, *, role: bool, state: bool, needs_mfa: bool) -> Access:
    """Sign in, see the pledge, hold the role, have the second factor, find it in the state."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not can_view_pledge(user, pledge):
        return Access.NOT_FOUND
    if not role:
        return Access.FORBIDDEN
    if needs_mfa and not has_mfa(user):
        return Access.MFA_REQUIRED
    return Access.ALLOW if state else Access.CONFLICT


def create_access(user, actor) -> Access:
    """Contributors and focal points draft pledges for their organisation."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    return Access.ALLOW if actor.pk in memberships_by_actor(user) else Access.NOT_FOUND


def edit_access(user, pledge: Pledge) -> Access:
    """Members of the lead organisation edit its drafts (and returned pledges)."""
    return _require(
        user,
        pledge,
        role=user.is_authenticated and _member_of_lead(user, pledge),
        state=pledge.is_editable,
        needs_mfa=False,
    )


def results_access(user, pledge: Pledge) -> Access:
    """Members of the lead organisation set the expected results and their indicators: while
    the pledge is a draft or returned, and once it is published (a changed baseline or target
    stays in the indicator's public history)."""
    return _require(
        user,
        pledge,
        role=user.is_authenticated and _member_of_lead(user, pledge),
        state=pledge.is_editable or pledge.status == Pledge.Status.PUBLISHED,
        needs_mfa=False,
    )


def spreadsheet_access(user, actor) -> Access:
    """An organisation's spreadsheet of pledges (reviews.spreadsheets) is for its members,
    contributors and focal points; for anyone else it does not exist."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    return Access.ALLOW if actor.pk in memberships_by_actor(user) else Access.NOT_FOUND


def submit_access(user, pledge: Pledge) -> Access:
    return _require(
        user,
        pledge,
        role=is_focal_point(user, pledge.lead),
        state=pledge.allows("submit"),
        needs_mfa=True,
    )


def withdraw_access(user, pledge: Pledge) -> Access:
    return _require(
        user,
        pledge,
        role=is_focal_point(user, pledge.lead),
        state=pledge.allows("withdraw"),
        needs_mfa=True,
    )


MODERATION_STEPS = ("publish", "return", "reject")


def step_gate(user, step: str) -> Access:
    """What a step asks of the person before any pledge is looked up: to sign in, and for a
    moderation step a moderator's second factor. Asked first, it answers alike for a pledge
    that exists, one that is hidden and an id nothing has."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if step in MODERATION_STEPS and oversight_access(user) is Access.MFA_REQUIRED:
        return Access.MFA_REQUIRED  # a moderator without a second factor is sent to set it up
    return Access.ALLOW


def moderate_access(user, pledge: Pledge) -> Access:
    """Moderators publish, return or reject submitted pledges."""
    oversight = oversight_access(user)
    if oversight in (Access.LOGIN_REQUIRED, Access.MFA_REQUIRED):
        return oversight
    return _require(
        user,
        pledge,
        role=oversight is Access.ALLOW,
        state=pledge.allows("publish"),
        needs_mfa=True,
    )


TRANSITION_ACCESS = {
    "submit": submit_access,
    "withdraw": withdraw_access,
    "publish": moderate_access,
    "return": moderate_access,
    "reject": moderate_access,
}


def transition_access(user, pledge: Pledge, step: str) -> Access:
    """Who may take a step of the lifecycle (DESIGN §3), for the site and the API alike."""
    return TRANSITION_ACCESS[step](user, pledge)


def partnership_access(user, partnership: PledgePartner) -> Access:
    """A partner's focal points confirm or decline being named on a joint pledge."""
    pledge = partnership.pledge
    return _require(
        user,
        pledge,
        role=is_focal_point(user, partnership.actor),
        state=pledge.status in Pledge.PARTNERSHIP_OPEN,
        needs_mfa=True,
    )


def _confirmed_partner_ids(pledge: Pledge) -> set[int]:
    return {
        p.actor_id for p in pledge.partnerships.all() if p.status == PledgePartner.Status.CONFIRMED
    }


def progress_actor_ids(user, pledge: Pledge) -> list[int]:
    """The organisations on whose behalf the person may report on this pledge."""
    mine = set(memberships_by_actor(user))
    return sorted(mine & ({pledge.lead_id} | _confirmed_partner_ids(pledge)))


def progress_access(user, pledge: Pledge) -> Access:
    """The lead's members and confirmed partners' members report on a published pledge."""
    return _require(
        user,
        pledge,
        role=bool(progress_actor_ids(user, pledge)),
        state=pledge.status == Pledge.Status.PUBLISHED,
        needs_mfa=False,
    )


def pledge_actions(user, pledge: Pledge) -> dict[str, Access]:
    """Every action of the pledge page, for its buttons (`.offered`) and forms."""
    return {
        "edit": edit_access(user, pledge),
        "submit": submit_access(user, pledge),
        "withdraw": withdraw_access(user, pledge),
        "moderate": moderate_access(user, pledge),
        "report": progress_access(user, pledge),
        "results": results_access(user, pledge),
    }


# Endorsements: another organisation's support of a public pledge.


def endorsing_actor_ids(user, pledge: Pledge) -> list[int]:
    """The organisations on whose behalf the person may endorse this pledge: their own, as for
    a comment on their behalf (accredited), but none the pledge names (its lead, a partner)."""
    named = named_on(pledge)
    return sorted(
        actor_id
        for actor_id, membership in memberships_by_actor(user).items()
        if actor_id not in named and can_act_for(user, membership.actor)
    )


def endorse_access(user, pledge: Pledge, actor=None) -> Access:
    """Contributors and focal points endorse for such an organisation while the pledge is
    published: a withdrawn pledge keeps its endorsements but gains none. `actor` None asks
    whether the person may endorse for any of their organisations (the page's form). The note
    is public text, so someone a moderator blocked from posting cannot; moderators gain nothing
    here beyond what their own organisations give them."""
    allowed = endorsing_actor_ids(user, pledge)
    role = bool(allowed) if actor is None else actor.pk in allowed
    return _require(
        user,
        pledge,
        role=can_post(user) and role,
        state=pledge.status == Pledge.Status.PUBLISHED,
        needs_mfa=False,
    )


def withdraw_endorsement_access(user, endorsement) -> Access:
    """Any member of the endorsing organisation withdraws its endorsement, once; on a withdrawn
    pledge too (an organisation may always take back its support)."""
    return _require(
        user,
        endorsement.pledge,
        role=endorsement.actor_id in memberships_by_actor(user),
        state=endorsement.is_active,
        needs_mfa=False,
    )


# Comments, flags and moderation of the conversation.


def can_post(user) -> bool:
    """Signed-in people comment and flag, unless a moderator blocked them."""
    return user.is_authenticated and user.posting_blocked_at is None


def comment_post_access(user) -> Access:
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    return Access.ALLOW if can_post(user) else Access.FORBIDDEN


def can_view_comment(user, comment) -> bool:
    """Hidden comments are for those who oversee only, and so are the replies under one (a
    comment is seen with its thread); the target must be visible too."""
    hidden = comment.is_hidden or (comment.parent_id is not None and comment.parent.is_hidden)
    if hidden and not sees_hidden(user):
        return False
    update = comment.progress_update
    if update is not None and update.is_hidden and not sees_hidden(user):
        return False
    pledge = comment.pledge or (update.pledge if update is not None else None)
    return pledge is None or can_view_pledge(user, pledge)


def comment_target_access(user, target) -> Access:
    """A place to comment on exists for the person only where they may read it."""
    pledge = target if isinstance(target, Pledge) else getattr(target, "pledge", None)
    if getattr(target, "is_hidden", False) and not sees_hidden(user):
        return Access.NOT_FOUND
    if pledge is not None and not can_view_pledge(user, pledge):
        return Access.NOT_FOUND
    return Access.ALLOW


def is_author(user, item) -> bool:
    return user.is_authenticated and getattr(item, "author_id", None) == user.pk


def may_flag(user, item) -> bool:
    """Anyone who may post flags what others wrote (one does not flag one's own words)."""
    return can_post(user) and not is_author(user, item)


def comment_author_access(user, comment) -> Access:
    """The author edits (for 15 minutes) and deletes their own comments."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not can_view_comment(user, comment):
        return Access.NOT_FOUND
    return Access.ALLOW if is_author(user, comment) else Access.FORBIDDEN


def flag_access(user, item) -> Access:
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    kind = item._meta.model_name
    if kind == "comment":
        visible = can_view_comment(user, item)
    elif kind == "question":
        visible = can_view_question(user, item)
    elif kind == "answer":
        visible = can_view_answer(user, item)
    else:
        visible = not item.is_hidden and can_view_pledge(user, item.pledge)
    if not visible:
        return Access.NOT_FOUND
    return Access.ALLOW if may_flag(user, item) else Access.FORBIDDEN


def conversation_moderation_access(user) -> Access:
    """Hide, restore, dismiss flags, block: those who oversee (with MFA)."""
    return oversight_access(user)


# Questions to a pledge's lead or partners, and the answers of their focal points.


def asking_addressee_ids(user, pledge: Pledge) -> list[int]:
    """Those the person may ask of the pledge's lead and confirmed partners (addressee_ids):
    not an organisation of their own, which they ask inside it rather than in public (and
    which would answer itself)."""
    mine = memberships_by_actor(user)
    return [pk for pk in addressee_ids(pledge) if pk not in mine]


def asking_actor_ids(user) -> list[int]:
    """The organisations on whose behalf the person may ask: those they act for, as for a
    comment on their behalf (accredited)."""
    return sorted(
        actor_id
        for actor_id, membership in memberships_by_actor(user).items()
        if can_act_for(user, membership.actor)
    )


def ask_access(user, pledge: Pledge, addressed_to=None, actor=None) -> Access:
    """Anyone signed in (and not blocked from posting) asks on a published pledge, in their own
    name or for one of their organisations; not an organisation they belong to. `addressed_to`
    None asks whether the person may ask anyone of the pledge (the page's form)."""
    addressees = asking_addressee_ids(user, pledge)
    role = bool(addressees) if addressed_to is None else addressed_to.pk in addressees
    if actor is not None:
        role = role and actor.pk in asking_actor_ids(user)
    return _require(
        user,
        pledge,
        role=can_post(user) and role,
        state=pledge.status == Pledge.Status.PUBLISHED,
        needs_mfa=False,
    )


def can_view_question(user, question) -> bool:
    """A hidden question is for those who oversee only; its pledge must be visible too."""
    if question.is_hidden and not sees_hidden(user):
        return False
    return can_view_pledge(user, question.pledge)


def can_view_answer(user, answer) -> bool:
    """A hidden answer is for those who oversee only, and so is the answer to a hidden
    question (an answer is read with its question)."""
    if answer.is_hidden and not sees_hidden(user):
        return False
    return can_view_question(user, answer.question)


def _require_question(user, question, *, visible: bool, role: bool, state: bool) -> Access:
    """As _require, for something one may not see even on a pledge one sees (hidden); every
    power here is a focal point's, so it needs the second factor (actors.permissions)."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not visible:
        return Access.NOT_FOUND
    return _require(user, question.pledge, role=role, state=state, needs_mfa=True)


def answer_access(user, question) -> Access:
    """A focal point of the organisation asked answers on its behalf, once, while the question
    is open (focal points only: the answer is the organisation's word)."""
    return _require_question(
        user,
        question,
        visible=can_view_question(user, question),
        role=can_post(user) and is_focal_point(user, question.addressed_to),
        state=question.is_open and not question.is_hidden and question.pledge.is_public,
    )


def answer_edit_access(user, answer) -> Access:
    """The focal point who answered corrects the answer for as long as a comment may be
    edited; after that, or once hidden, it stands as it is."""
    return _require_question(
        user,
        answer.question,
        visible=can_view_answer(user, answer),
        role=is_author(user, answer) and is_focal_point(user, answer.actor),
        state=not answer.is_hidden and timezone.now() <= answer.editable_until(),
    )


def close_access(user, question) -> Access:
    """A moderator (with MFA, as for every moderator power) closes an open question, giving a
    reason the asker and every reader see."""
    oversight = oversight_access(user)
    if oversight in (Access.LOGIN_REQUIRED, Access.MFA_REQUIRED):
        return oversight
    if not can_view_question(user, question):
        return Access.NOT_FOUND
    if oversight is not Access.ALLOW:
        return Access.FORBIDDEN
    return Access.ALLOW if question.is_open else Access.CONFLICT


# Needs: what an organisation seeks, and the offers of others (reviews.models.needs).


def can_view_need(user, need) -> bool:
    """Anyone reads an open or met need that is not hidden; its organisation's members read
    their closed ones too; a hidden need is for those who oversee only."""
    if need.is_hidden:
        return sees_hidden(user)
    if need.is_public or can_oversee(user):
        return True
    return need.actor_id in memberships_by_actor(user)


def need_view_access(user, need) -> Access:
    return Access.ALLOW if can_view_need(user, need) else Access.NOT_FOUND


def need_actor_ids(user) -> list[int]:
    """The organisations for which the person may publish a need: those they act for as a
    contributor or focal point (accredited), unless a moderator blocked them from posting."""
    if not can_post(user):
        return []
    return sorted(
        actor_id
        for actor_id, membership in memberships_by_actor(user).items()
        if can_act_for(user, membership.actor)
    )


def need_create_access(user, actor=None) -> Access:
    """Contributors and focal points publish their organisation's needs. `actor` None asks
    whether the person may publish for any organisation (the board's link)."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    allowed = need_actor_ids(user)
    if actor is None:
        return Access.ALLOW if allowed else Access.FORBIDDEN
    if actor.pk not in memberships_by_actor(user):
        return Access.NOT_FOUND
    return Access.ALLOW if actor.pk in allowed else Access.FORBIDDEN


def _require_need(user, need, *, role: bool, state: bool) -> Access:
    """Sign in, see the need, hold the role, find it in the state."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not can_view_need(user, need):
        return Access.NOT_FOUND
    if not role:
        return Access.FORBIDDEN
    return Access.ALLOW if state else Access.CONFLICT


def need_manage_access(user, need) -> Access:
    """Its organisation's contributors and focal points edit an open need, mark it met or close
    it (withdraw it); a met, closed or hidden need stays as it is."""
    return _require_need(
        user,
        need,
        role=need.actor_id in need_actor_ids(user),
        state=need.is_open and not need.is_hidden,
    )


def offering_actor_ids(user, need) -> list[int]:
    """The organisations for which the person may offer: those they act for, but not the
    need's own (an organisation does not answer itself)."""
    return [pk for pk in need_actor_ids(user) if pk != need.actor_id]


def offer_access(user, need, actor=None) -> Access:
    """Members of another organisation offer on an open need that is not hidden. `actor` None
    asks whether the person may offer for any of their organisations (the page's form)."""
    allowed = offering_actor_ids(user, need)
    role = bool(allowed) if actor is None else actor.pk in allowed
    return _require_need(user, need, role=role, state=need.is_open and not need.is_hidden)


def offer_withdraw_access(user, offer) -> Access:
    """Any member of the offering organisation withdraws its offer, once."""
    return _require_need(
        user,
        offer.need,
        role=offer.actor_id in memberships_by_actor(user),
        state=offer.is_active,
    )


def need_moderation_access(user, need, action: str) -> Access:
    """Moderators (with MFA) hide a need that is shown, and restore a hidden one."""
    oversight = oversight_access(user)
    if oversight is not Access.ALLOW:
        return oversight
    state = not need.is_hidden if action == "hide" else need.is_hidden
    return Access.ALLOW if state else Access.CONFLICT


def need_actions(user, need) -> dict[str, Access]:
    """Every action of the need page, for its buttons (`.offered`) and forms."""
    return {
        "manage": need_manage_access(user, need),
        "offer": offer_access(user, need),
        "hide": need_moderation_access(user, need, "hide"),
        "restore": need_moderation_access(user, need, "restore"),
    }
