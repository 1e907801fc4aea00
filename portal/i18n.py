"""Translation helpers the apps share."""

from django.utils.functional import lazy


def _interpolate(message, values: dict) -> str:
    return str(message) % values


# A translated message whose named placeholders are filled in when it is shown, in the reader's
# language, not once when the module is imported (a lazy string's own `%` translates at once):
# interpolate_lazy(ngettext_lazy("Within %(n)d month", "Within %(n)d months", 12), {"n": 12}).
interpolate_lazy = lazy(_interpolate, str)


# A translated label in lower case, for the middle of a sentence, in the reader's language:
# lower_lazy(Membership.Role("focal-point").label) is "focal point", « point focal »…
lower_lazy = lazy(lambda text: str(text).lower(), str)
