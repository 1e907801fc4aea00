"""Who may do what with pledges and their progress: one predicate per permission.

Each `*_access` function answers with an `Access` outcome that the HTML views (and the API's
permission classes) turn into a response; the `can_*` forms answer yes or no for templates.
A pledge the person may not see is a 404 whatever they try to do with it.
"""

from actors.permissions import (
    Access,
    _memberships,
    can_moderate,
    has_mfa,
    is_focal_point,
    moderation_access,
)
from reviews.models import Pledge, PledgePartner


def _member_of_lead(user, pledge: Pledge) -> bool:
    return user.is_authenticated and pledge.lead_id in _memberships(user)


def _partner_actor_ids(user, pledge: Pledge) -> set[int]:
    if not user.is_authenticated:
        return set()
    mine = set(_memberships(user))
    return {p.actor_id for p in pledge.partnerships.all() if p.actor_id in mine}


def can_view_pledge(user, pledge: Pledge) -> bool:
    if pledge.is_public:
        return True
    if not user.is_authenticated:
        return False
    return (
        can_moderate(user)  # moderators read drafts only with their second factor
        or user.is_superuser
        or _member_of_lead(user, pledge)
        or bool(_partner_actor_ids(user, pledge))
    )


def view_access(user, pledge: Pledge) -> Access:
    return Access.ALLOW if can_view_pledge(user, pledge) else Access.NOT_FOUND


def _require(user, pledge: Pledge, allowed: bool, *, needs_mfa: bool) -> Access:
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not can_view_pledge(user, pledge):
        return Access.NOT_FOUND
    if not allowed:
        return Access.FORBIDDEN
    if needs_mfa and not has_mfa(user):
        return Access.MFA_REQUIRED
    return Access.ALLOW


def create_access(user, actor) -> Access:
    """Contributors and focal points draft pledges for their organisation."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    return Access.ALLOW if actor.pk in _memberships(user) else Access.NOT_FOUND


def edit_access(user, pledge: Pledge) -> Access:
    """Members of the lead organisation edit its drafts (and returned pledges)."""
    return _require(
        user, pledge, _member_of_lead(user, pledge) and pledge.is_editable, needs_mfa=False
    )


def submit_access(user, pledge: Pledge) -> Access:
    return _require(
        user,
        pledge,
        is_focal_point(user, pledge.lead) and pledge.is_editable,
        needs_mfa=True,
    )


def withdraw_access(user, pledge: Pledge) -> Access:
    return _require(
        user,
        pledge,
        is_focal_point(user, pledge.lead) and pledge.status == Pledge.Status.PUBLISHED,
        needs_mfa=True,
    )


def moderate_access(user, pledge: Pledge) -> Access:
    """Moderators publish, return or reject submitted pledges."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    access = moderation_access(user)
    if access is Access.MFA_REQUIRED:
        return access  # a moderator without a second factor is sent to set it up
    if not can_view_pledge(user, pledge):
        return Access.NOT_FOUND
    if access is not Access.ALLOW or pledge.status != Pledge.Status.SUBMITTED:
        return Access.FORBIDDEN
    return Access.ALLOW


def partnership_access(user, partnership: PledgePartner) -> Access:
    """A partner's focal points confirm or decline being named on a joint pledge."""
    pledge = partnership.pledge
    allowed = is_focal_point(user, partnership.actor) and pledge.status in (
        Pledge.Status.DRAFT,
        Pledge.Status.RETURNED,
        Pledge.Status.SUBMITTED,
    )
    return _require(user, pledge, allowed, needs_mfa=True)


def progress_access(user, pledge: Pledge) -> Access:
    """The lead's members and confirmed partners' members report on a published pledge."""
    confirmed = {
        p.actor_id for p in pledge.partnerships.all() if p.status == PledgePartner.Status.CONFIRMED
    }
    allowed = pledge.status == Pledge.Status.PUBLISHED and (
        _member_of_lead(user, pledge) or bool(_partner_actor_ids(user, pledge) & confirmed)
    )
    return _require(user, pledge, allowed, needs_mfa=False)


def progress_actor_ids(user, pledge: Pledge) -> list[int]:
    """The organisations on whose behalf the person may report on this pledge."""
    confirmed = {
        p.actor_id for p in pledge.partnerships.all() if p.status == PledgePartner.Status.CONFIRMED
    }
    mine = set(_memberships(user)) if user.is_authenticated else set()
    return sorted(mine & ({pledge.lead_id} | confirmed))


__all__ = [
    "can_moderate",
    "can_view_pledge",
    "create_access",
    "edit_access",
    "moderate_access",
    "partnership_access",
    "progress_access",
    "submit_access",
    "view_access",
    "withdraw_access",
]


# Comments, flags and moderation of the conversation.


def can_post(user) -> bool:
    """Signed-in people comment and flag, unless a moderator blocked them."""
    return user.is_authenticated and user.posting_blocked_at is None


def comment_post_access(user) -> Access:
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    return Access.ALLOW if can_post(user) else Access.FORBIDDEN


def can_view_comment(user, comment) -> bool:
    """Hidden comments are for moderators only; the target must be visible too."""
    sees_hidden = can_moderate(user) or (user.is_authenticated and user.is_superuser)
    if comment.is_hidden and not sees_hidden:
        return False
    pledge = comment.pledge or (comment.progress_update.pledge if comment.progress_update else None)
    if comment.progress_update is not None and comment.progress_update.is_hidden:
        return sees_hidden
    return pledge is None or can_view_pledge(user, pledge)


def comment_author_access(user, comment) -> Access:
    """The author edits (for 15 minutes) and deletes their own comments."""
    if not user.is_authenticated:
        return Access.LOGIN_REQUIRED
    if not can_view_comment(user, comment):
        return Access.NOT_FOUND
    return Access.ALLOW if comment.author_id == user.pk else Access.FORBIDDEN


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
    if getattr(item, "author_id", None) == user.pk:
        return Access.FORBIDDEN  # one does not flag one's own words
    return Access.ALLOW if can_post(user) else Access.FORBIDDEN


def conversation_moderation_access(user) -> Access:
    """Hide, restore, dismiss flags, block: the moderators (with MFA)."""
    return moderation_access(user)
