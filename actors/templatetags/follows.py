"""`{% follow_button kind key label %}`: follow a pledge, an objective, an organisation or a
saved search of the pledge list from its page (actors.follows).

The person's follows are read once per request, whatever the number of buttons (one query for a
signed-in person, none for a visitor, who is offered a link to sign in instead).
"""

from django import template

from actors import follows

register = template.Library()


@register.inclusion_tag("actors/includes/follow_button.html", takes_context=True)
def follow_button(context, kind: str, key, label: str = "") -> dict:
    request = context["request"]
    key = follows.normalise(kind, key)
    if not key:  # a search without filters, say: nothing to follow
        return {"shown": False}
    signed_in = request.user.is_authenticated
    return {
        "shown": True,
        "kind": kind,
        "key": key,
        "label": label,
        "signed_in": signed_in,
        "follow": follows.follows_of(request).get((kind, key)) if signed_in else None,
        "next": request.get_full_path(),
    }
