"""The language a pledge, a progress report or a comment is written in (issue 12).

Recorded when the text is written — chosen in the form, or else the writer's interface language
— shown to readers beside the text (marked with `lang` for screen readers and fonts), and
filterable in the lists, the API and the exports. Empty only for what was written before the
portal recorded it.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def written_in() -> models.CharField:
    """The `language` field of a written record."""
    return models.CharField(
        _("written in"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_("The language the text is written in."),
    )


def writer_language(chosen: str = "") -> str:
    """The language a new text is recorded in: the one chosen, else the writer's interface
    language (the request's), else the site's."""
    if chosen in LANGUAGE_CODES:
        return chosen
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE
