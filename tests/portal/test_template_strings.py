"""Every human-readable string of the templates is marked for translation.

A template is read as Django's lexer reads it. Its text outside `{% blocktranslate %}`,
`{% comment %}` and `{% verbatim %}`, with every other tag and variable replaced by a
placeholder, is parsed as HTML; the text of its elements (not of `<script>` or `<style>`) and
the attributes that people read or hear must then hold no letter: a word left there is English
that no translation can reach. `{% translate %}` is a tag, so what it marks is not seen here. A
variable's fallback, `{{ name|default:"No name given" }}`, stands where the variable is, so it
must be marked too: `|default:_("No name given")`.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TEMPLATE_FILES = sorted(path for path in TEMPLATES.rglob("*") if path.is_file())

# Stands for a variable in the parsed text: not a letter, so `{{ pledge.title }}` passes.
VARIABLE = "\ufffc"
# A block tag that does not hide its content: a space, so that `<a{% if x %} href=…{% endif %}>`
# stays a well-formed tag.
TAG = " "
# Tags whose content, up to their end tag, is not read.
SKIPPED = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}
# Blocks that fill an attribute of the layout they extend, not read: the admin's <body class>.
ATTRIBUTE_BLOCKS = {"bodyclass"}
# Templates included inside another template's start tag: their text is attributes.
INSIDE_A_TAG = {"allauth/elements/includes/described_by.html"}
READ_ATTRIBUTES = {"title", "alt", "aria-label", "aria-description", "placeholder"}
BUTTON_INPUTS = {"submit", "button", "reset"}
# Not language: the names of the file formats the exports offer, the same in every language.
ALLOWED = {"CSV", "XLSX", "JSON"}
LETTER = re.compile(r"[^\W\d_]")
# A literal fallback, `|default:"…"` (a marked one, `|default:_("…")`, does not match).
DEFAULT = re.compile(r"""\|default:(["'])(.*?)\1""")


def fallbacks(contents: str) -> str:
    """The literal `|default:` fallbacks of a variable or tag, which show where it stands."""
    return "".join(f" {text}" for _, text in DEFAULT.findall(contents))


def template_html(source: str) -> str:
    """The template's HTML as the translator's tags leave it: marked text, comments and verbatim
    content dropped, other tags and variables replaced by placeholders, line breaks kept so that
    the parser's line numbers are the template's."""
    parts = []
    closing = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            else:
                parts.append("\n" * token.contents.count("\n"))
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        elif token.token_type == TokenType.VAR:
            parts.append(VARIABLE + fallbacks(token.contents))
        elif token.token_type == TokenType.BLOCK:
            name, *arguments = token.contents.split()
            closing = SKIPPED.get(name)
            if name == "block" and arguments[0] in ATTRIBUTE_BLOCKS:
                closing = "endblock"
            parts.append(TAG + fallbacks(token.contents))
        else:  # {# … #}
            parts.append("\n" * token.contents.count("\n"))
    return "".join(parts)


class UnmarkedText(HTMLParser):
    """Collects (line, text) for every text and read attribute value that holds a letter."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._raw = None  # inside <script> or <style>

    def _check(self, text: str, line: int):
        if LETTER.search(text) and text.strip() not in ALLOWED:
            self.found.append((line + text[: len(text) - len(text.lstrip())].count("\n"), text))

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        values = dict(attrs)
        for name, value in attrs:
            read = name in READ_ATTRIBUTES
            read |= tag == "input" and name == "value" and values.get("type") in BUTTON_INPUTS
            read |= tag == "meta" and name == "content" and values.get("name") == "description"
            if read and value:
                self._check(value, line)
        if tag in ("script", "style"):
            self._raw = tag

    def handle_endtag(self, tag):
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data):
        if self._raw is None:
            self._check(data, self.getpos()[0])


def unmarked_strings(source: str, inside_a_tag: bool = False) -> list[tuple[int, str]]:
    """(line, text) of every human-readable string of a template that is not marked."""
    html = template_html(source)
    parser = UnmarkedText()
    parser.feed(f"<div {html}>" if inside_a_tag else html)
    parser.close()
    return [(line, " ".join(text.split())) for line, text in parser.found]


@pytest.mark.parametrize(
    "path", TEMPLATE_FILES, ids=[str(path.relative_to(TEMPLATES)) for path in TEMPLATE_FILES]
)
def test_every_string_of_the_template_is_marked_for_translation(path):
    name = path.relative_to(TEMPLATES)

    found = unmarked_strings(path.read_text(encoding="utf-8"), str(name) in INSIDE_A_TAG)

    assert not found, "not marked for translation:\n" + "\n".join(
        f"{name}:{line}: {text}" for line, text in found
    )


def test_the_templates_are_all_read():
    assert len(TEMPLATE_FILES) > 70
    assert TEMPLATES / "base.html" in TEMPLATE_FILES


def test_the_check_reports_an_unmarked_word_with_its_line():
    source = (
        "{% load i18n %}\n"
        '<nav aria-label="Main">\n'
        "    <p>{% translate 'Marked' %} · Forgotten {{ pledge.title }}</p>\n"
        '    <input type="submit" value="Send">\n'
        '    <img src="x.png" alt="{% translate \'A map\' %}"> <span title="Tip">—</span>\n'
        '    <h3>{{ user.name|default:"No name given" }}</h3>\n'
        "</nav>\n"
    )

    assert unmarked_strings(source) == [
        (2, "Main"),
        (3, "· Forgotten \ufffc"),
        (4, "Send"),
        (5, "Tip"),
        (6, "\ufffc No name given"),
    ]


def test_the_check_accepts_a_template_whose_strings_are_all_marked():
    source = (
        "{% extends 'base.html' %}{% load i18n %}\n"
        "{% block title %}{% translate 'Pledges' %}{% endblock %}\n"
        "{% block content %}\n"
        "    <nav aria-label=\"{% translate 'Breadcrumb' %}\">{{ pledge.title }} › 7</nav>\n"
        "    {% comment %}Why the list is long.{% endcomment %}{# a note #}\n"
        "    <p>{% blocktranslate trimmed count counter=total %}\n"
        "        {{ counter }} pledge{% plural %}{{ counter }} pledges\n"
        "    {% endblocktranslate %} · <a href=\"{% url 'home' %}\">CSV</a></p>\n"
        "    <script nonce=\"{{ csp_nonce }}\">const label = 'not read';</script>\n"
        "    {% verbatim %}<p>{{ kept as is }}</p>{% endverbatim %}\n"
        '    <input type="hidden" name="kind" value="comment">\n'
        "    <h3 id=\"{{ prefix|default:'form' }}-name\">\n"
        '        {{ name|default:_("No name given") }}</h3>\n'
        "{% endblock %}\n"
    )

    assert unmarked_strings(source) == []
