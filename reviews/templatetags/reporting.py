"""The reporting freshness of a pledge, as the site shows it."""

from django import template

from reviews.models.freshness import LABELS, Freshness

register = template.Library()


@register.filter
def freshness_label(colour) -> str:
    """The label of a freshness colour ("green", or a Freshness), or "" for none, in the reader's
    language."""
    return str(LABELS[Freshness(colour)]) if colour else ""
