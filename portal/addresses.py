"""Addresses with one argument (an id, a number, a slug), made by reverse() once per address
and then filled in.

A list page writes a link to each of its pledges and to each pledge's objectives: reverse() for
each of them (resolving the pattern, checking the argument against it, quoting it) was a tenth
of the pledge list's time. The address is reversed once for a stand-in argument, per URLconf and
script prefix, and then the argument is put in its place. Only an argument made of letters,
digits, `-` and `_` is put in so (it needs no quoting); anything else goes through reverse().
Unlike reverse(), the argument is not checked against the pattern's converter: this is for a
model's own id, number or slug (get_absolute_url), which fit it.
"""

import re

from django.urls import get_script_prefix, get_urlconf, reverse

STAND_IN = "987654321"
PLAIN = re.compile(r"[-a-zA-Z0-9_]+")
_made: dict[tuple, tuple[str, str] | None] = {}


def address(viewname: str, argument) -> str:
    """reverse(viewname, args=[argument]), for an id, a number or a slug."""
    text = str(argument)
    key = (viewname, get_script_prefix(), get_urlconf())
    if key not in _made:
        made = reverse(viewname, args=[STAND_IN])
        _made[key] = tuple(made.split(STAND_IN)) if made.count(STAND_IN) == 1 else None
    parts = _made[key]
    if parts is None or not PLAIN.fullmatch(text):
        return reverse(viewname, args=[argument])
    return f"{parts[0]}{text}{parts[1]}"
