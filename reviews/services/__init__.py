"""Writes with rules or side effects in the reviews app, one module per topic.

`pledges`: the pledge workflow; `comments`: posting, editing, deleting and flagging;
`moderation`: hiding, restoring, blocking and the log; `results`: expected results and their
indicators. Everything is re-exported here
(`from reviews import services`).
"""

from reviews.services.comments import (
    COMMENT_RATE,
    FLAG_RATE,
    PostingBlocked,
    accepts_comments,
    comment_delete,
    comment_edit,
    comment_post,
    flag_create,
)
from reviews.services.moderation import (
    flags_dismiss,
    item_hide,
    item_restore,
    log_moderation,
    send_moderator_digest,
    user_block,
    user_unblock,
)
from reviews.services.pledges import (
    EDITABLE_FIELDS,
    STEP_DONE,
    TRANSITIONS,
    PledgeConflict,
    TransitionNotAllowed,
    partnership_decide,
    pledge_create,
    pledge_publish,
    pledge_reject,
    pledge_return,
    pledge_step,
    pledge_submit,
    pledge_update,
    pledge_withdraw,
    progress_update_create,
)
from reviews.services.results import (
    InvalidActuals,
    InvalidResult,
    ResultsClosed,
    result_delete,
    result_save,
)

__all__ = [
    "COMMENT_RATE",
    "EDITABLE_FIELDS",
    "FLAG_RATE",
    "STEP_DONE",
    "TRANSITIONS",
    "InvalidActuals",
    "InvalidResult",
    "PledgeConflict",
    "PostingBlocked",
    "ResultsClosed",
    "TransitionNotAllowed",
    "accepts_comments",
    "comment_delete",
    "comment_edit",
    "comment_post",
    "flag_create",
    "flags_dismiss",
    "item_hide",
    "item_restore",
    "log_moderation",
    "partnership_decide",
    "pledge_create",
    "pledge_publish",
    "pledge_reject",
    "pledge_return",
    "pledge_step",
    "pledge_submit",
    "pledge_update",
    "pledge_withdraw",
    "progress_update_create",
    "result_delete",
    "result_save",
    "send_moderator_digest",
    "user_block",
    "user_unblock",
]
