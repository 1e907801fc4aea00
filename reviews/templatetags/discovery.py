"""The pledges of an actor's and a coalition's page (reviews.discovery), as template tags: the
directory's views (actors) do not depend on the pledges; their templates ask for them here."""

from django import template
from django.urls import reverse

from reviews import discovery

register = template.Library()


@register.inclusion_tag("reviews/includes/actor_pledges.html")
def actor_pledges(actor, memberships):
    """The actor's public pledges (as lead or confirmed partner), and the objectives it has
    pledged on and those it has not, beside its kind's and its coalitions' pledges."""
    coalitions = list({m.coalition.pk: m.coalition for m in memberships}.values())
    own = discovery.Selection(discovery.query(actor=actor.slug))
    peers, rows = discovery.actor_coverage(actor, coalitions, own)
    return {
        "actor": actor,
        "pledges": discovery.pledges_of(own),
        "peers": peers,
        "coverage": rows,
        "not_pledged_on": [row for row in rows if row.own.gap],
        "feed_url": reverse("feeds:actor", args=[actor.slug]),
        "feed_title": discovery.FEED_OF_THESE,
    }


@register.inclusion_tag("reviews/includes/pledges_panel.html")
def coalition_pledges(coalition):
    """The public pledges whose lead is a member of the coalition."""
    return {
        "pledges": discovery.pledges_of(coalition=coalition.slug),
        "panel_id": "pledges",
        "heading": discovery.PLEDGES_OF_MEMBERS,
        "feed_url": discovery.feed_of(coalition=coalition.slug),
        "feed_title": discovery.FEED_OF_THESE,
    }
