"""What notifications quote of a comment, a question or an answer, kept current: its visible
text, or that it is gone.

A notification made when a comment (a question, an answer) was posted quotes it; when it is
edited, deleted, or hidden by a moderator (itself or what it answers: a reply is seen with its
thread, an answer with its question), the quotes follow, so the bell and the digests still to
send never keep a copy of hidden words.
"""

from django.utils.translation import gettext, gettext_noop

from actors.notifications import quoted_text_changed
from reviews.models import Answer, Comment, Question

# In English; what a notification shows is their translation (quote()).
REMOVED_BY_MODERATOR = gettext_noop("This comment was removed by a moderator.")
DELETED_BY_AUTHOR = gettext_noop("This comment was deleted by its author.")
QUESTION_REMOVED = gettext_noop("This question was removed by a moderator.")
ANSWER_REMOVED = gettext_noop("This answer was removed by a moderator.")


def quote(item: Comment | Question | Answer) -> str:
    """What a notification shows of a comment, a question or an answer now (in the language
    active now)."""
    if isinstance(item, Question):
        return gettext(QUESTION_REMOVED) if item.is_hidden else item.body[:500]
    if isinstance(item, Answer):
        return (
            gettext(ANSWER_REMOVED)
            if item.is_hidden or item.question.is_hidden
            else item.body[:500]
        )
    if item.is_hidden or (item.parent_id is not None and item.parent.is_hidden):
        return gettext(REMOVED_BY_MODERATOR)
    if item.is_deleted:
        return gettext(DELETED_BY_AUTHOR)
    return item.body[:500]


def requote(item: Comment | Question | Answer) -> None:
    """Bring the notifications quoting the item up to date with it, and those quoting what is
    read with it (a comment's replies, a question's answer)."""
    quoted_text_changed(about=item.quoted_as, body=quote(item))
    if isinstance(item, Comment):
        for reply in item.replies.select_related("parent"):
            quoted_text_changed(about=reply.quoted_as, body=quote(reply))
    elif isinstance(item, Question) and (answer := item.given_answer) is not None:
        answer.question = item
        quoted_text_changed(about=answer.quoted_as, body=quote(answer))
