"""What notifications quote of a comment, kept current: its visible text, or that it is gone.

A notification made when a comment was posted quotes it; when the comment is edited, deleted, or
hidden by a moderator (itself or the comment it answers: a comment is seen with its thread), the
quotes follow, so the bell and the digests still to send never keep a copy of hidden words.
"""

from django.utils.translation import gettext, gettext_noop

from actors.notifications import quoted_text_changed
from reviews.models import Comment

# In English; what a notification shows is their translation (quote()).
REMOVED_BY_MODERATOR = gettext_noop("This comment was removed by a moderator.")
DELETED_BY_AUTHOR = gettext_noop("This comment was deleted by its author.")


def quote(comment: Comment) -> str:
    """What a notification shows of a comment now (in the language active now)."""
    if comment.is_hidden or (comment.parent_id is not None and comment.parent.is_hidden):
        return gettext(REMOVED_BY_MODERATOR)
    if comment.is_deleted:
        return gettext(DELETED_BY_AUTHOR)
    return comment.body[:500]


def requote(comment: Comment) -> None:
    """Bring the notifications quoting the comment, and its replies, up to date with it."""
    quoted_text_changed(about=comment.quoted_as, body=quote(comment))
    for reply in comment.replies.select_related("parent"):
        quoted_text_changed(about=reply.quoted_as, body=quote(reply))
