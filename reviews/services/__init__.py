"""Writes with rules or side effects in the reviews app.

`pledges`: the pledge workflow (re-exported here, `from reviews import services`);
`conversation`: comments, flags and their moderation.
"""

from reviews.services.pledges import (
    _PAST,
    EDITABLE_FIELDS,
    TRANSITIONS,
    PledgeConflict,
    TransitionNotAllowed,
    default_cycle,
    partnership_decide,
    pledge_create,
    pledge_publish,
    pledge_reject,
    pledge_return,
    pledge_submit,
    pledge_update,
    pledge_withdraw,
    progress_update_create,
)

__all__ = [
    "EDITABLE_FIELDS",
    "TRANSITIONS",
    "_PAST",
    "PledgeConflict",
    "TransitionNotAllowed",
    "default_cycle",
    "partnership_decide",
    "pledge_create",
    "pledge_publish",
    "pledge_reject",
    "pledge_return",
    "pledge_submit",
    "pledge_update",
    "pledge_withdraw",
    "progress_update_create",
]
