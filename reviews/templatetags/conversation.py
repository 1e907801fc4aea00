from django import template

register = template.Library()


@register.filter
def comment_total(thread) -> int:
    """Comments and their replies in a loaded thread."""
    return sum(1 + len(comment.replies.all()) for comment in thread or [])
