"""What a search result shows of its text: the words found in `<mark>`, everything else escaped.

On PostgreSQL the database writes the snippet (`ts_headline`, through SearchHeadline): the
stretch of the text that holds the most matches, the matches between two markers. The markers
are private-use characters, taken out of the text first, so that only ts_headline's own are
read; here they become `<mark>` and `</mark>`, always balanced, and everything else is escaped.
Elsewhere (SQLite) the snippet is cut here: the text around the first match of a word, each
match of every word (not of a word left out with `-`) marked, as the patterns of reviews.search
find them. No user text ever reaches a page unescaped.
"""

import re

from django.contrib.postgres.search import SearchHeadline
from django.db.models import TextField, Value
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reviews import search

START, STOP = "\ue000", "\ue001"
MARKERS = re.compile(f"([{START}{STOP}])")
# A snippet: about this many characters (SQLite), or words (PostgreSQL), around the matches.
WIDTH = 240
MAX_WORDS, MIN_WORDS = 35, 15
ELLIPSIS = "…"


def headline(expression, alternatives, *, whole: bool = False) -> SearchHeadline:
    """ts_headline of the expression's text: all of it with every match marked (`whole`, for a
    title), or else the stretch of 15 to 35 words that holds the most matches."""
    text = Replace(
        Replace(expression, Value(START), Value("")),
        Value(STOP),
        Value(""),
        output_field=TextField(),
    )
    options = {"highlight_all": True} if whole else {"max_words": MAX_WORDS, "min_words": MIN_WORDS}
    return SearchHeadline(
        text,
        search.tsquery(alternatives),
        config=search.CONFIG,
        start_sel=START,
        stop_sel=STOP,
        **options,
    )


def marked(text: str | None) -> SafeString:
    """A headline as HTML: its markers as `<mark>` … `</mark>`, everything else escaped."""
    parts, open_ = [], False
    for piece in MARKERS.split(text or ""):
        if piece == START:
            if not open_:
                parts.append("<mark>")
            open_ = True
        elif piece == STOP:
            if open_:
                parts.append("</mark>")
            open_ = False
        elif piece:
            parts.append(str(escape(piece)))
    if open_:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _found(alternatives) -> re.Pattern | None:
    patterns = [
        f"(?:{term.pattern()})" for terms in alternatives for term in terms if not term.negated
    ]
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


def highlight(text: str, alternatives) -> SafeString:
    """The whole text, escaped, each match of the words marked."""
    pattern = _found(alternatives)
    parts, last = [], 0
    if pattern is not None:
        for match in pattern.finditer(text):
            parts += [str(escape(text[last : match.start()])), "<mark>"]
            parts += [str(escape(match.group())), "</mark>"]
            last = match.end()
    parts.append(str(escape(text[last:])))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def excerpt(text: str, alternatives, width: int = WIDTH) -> SafeString:
    """About `width` characters of the text around the first match (from the start when
    nothing matches), cut between words, escaped, the matches marked."""
    text = " ".join(text.split())
    pattern = _found(alternatives)
    first = pattern.search(text) if pattern is not None else None
    start = max(0, first.start() - width // 3) if first else 0
    if start:
        space = text.find(" ", start, first.start())
        start = space + 1 if space >= 0 else first.start()
    end = start + width
    if end < len(text):
        space = text.rfind(" ", max(start, first.end() if first else start), end)
        end = space if space > 0 else end
    else:
        end = len(text)
    shown = highlight(text[start:end], alternatives)
    before = f"{ELLIPSIS} " if start else ""
    after = f" {ELLIPSIS}" if end < len(text) else ""
    return mark_safe(f"{before}{shown}{after}")  # noqa: S308 - `shown` is escaped
