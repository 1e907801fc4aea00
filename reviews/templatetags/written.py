"""The language a text is written in, as the site marks it (issue 12); its name in the reader's
language is Django's `language_name_translated` filter (i18n)."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language_info

register = template.Library()


@register.filter
@functools.lru_cache(maxsize=16)  # one answer per language: a list asks for each card
def lang_attrs(language: str) -> str:
    """` lang="fr" dir="ltr"` for a text written in that language, so that screen readers speak
    it in its own voice and an English text keeps its direction inside an Arabic page; "" when
    the language was not recorded."""
    if not language:
        return ""
    info = get_language_info(language)
    return format_html(' lang="{}" dir="{}"', language, "rtl" if info["bidi"] else "ltr")
