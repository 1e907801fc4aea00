from django import template

from reviews import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_actions(context, comment) -> dict:
    """Which buttons a comment of a shown thread offers the person: the rules of
    reviews.permissions, whose visibility part the page has already passed."""
    user = context["user"]
    author = permissions.is_author(user, comment)
    return {
        "edit": author,
        "delete": author,
        "flag": not comment.is_hidden and permissions.may_flag(user, comment),
        "reply": not comment.is_hidden and permissions.can_post(user),
    }


@register.filter
def comment_total(thread) -> int:
    """Comments and their replies in a loaded thread."""
    return sum(1 + len(comment.replies.all()) for comment in thread or [])
