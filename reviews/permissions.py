"""Who may do what with pledges, their progress and the conversation: one predicate each.

Each `*_access` function answers with an `Access` outcome — allow, sign in, set up MFA, not found,
forbidden, or not possible in the object's state — that the HTML views (`portal.access.enforce`)
and the API (`portal.api.require`) turn into a response, and templates read `.offered` from to
decide which buttons to show. A pledge the person may not see is a 404 whatever they try.
"""

from actors.permissions import (
    Access,
    can_oversee,
    has_mfa,
    is_focal_point,
    memberships_by_actor,
    oversight_access,
)
from reviews.models import Pledge, PledgePartner

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
    visible = (
        can_view_comment(user, item)
        if item._meta.model_name == "comment"
        else (not item.is_hidden and can_view_pledge(user, item.pledge))
    )
    if not visible:
        return Access.NOT_FOUND
    return Access.ALLOW if may_flag(user, item) else Access.FORBIDDEN


def conversation_moderation_access(user) -> Access:
    """Hide, restore, dismiss flags, block: those who oversee (with MFA)."""
    return oversight_access(user)
