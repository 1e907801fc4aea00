"""The API's request parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).

A module of its own: DRF's views read the setting when they are imported, and portal.api
imports those views.
"""

from django.utils.translation import gettext, ngettext
from rest_framework import exceptions, parsers

# No request the API understands nests deeper than a few levels; a deeper body is refused
# before a serializer walks it.
MAX_JSON_DEPTH = 32


def json_depth(value) -> int:
    """How deeply containers nest in a decoded JSON value (a scalar is 0), walked without
    recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, for bodies that are not JSON a serializer can take: a nesting deep
    enough to exhaust the decoder's recursion ("[" × 100,000), a charset Python does not know,
    or merely deeper than MAX_JSON_DEPTH is a 400 like any other malformed body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                gettext("JSON parse error - the body nests too deeply.")
            ) from None
        except LookupError:
            raise exceptions.ParseError(gettext("JSON parse error - unknown charset.")) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(
                ngettext(
                    "JSON parse error - the body nests deeper than %(depth)d level.",
                    "JSON parse error - the body nests deeper than %(depth)d levels.",
                    MAX_JSON_DEPTH,
                )
                % {"depth": MAX_JSON_DEPTH}
            )
        return data
