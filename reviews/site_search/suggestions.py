"""“Did you mean …?”: for each word of a search that finds nothing anywhere, the nearest word of a
vocabulary, when one is near enough.

The vocabulary is public and bounded: the words of the curated reference data (the objectives'
titles and short labels, the guiding principles, the review cycles, the round tables, the
Declaration paragraphs' sections and summaries), of the coalitions' names and of the accredited
organisations' names and acronyms. That is a few thousand words whatever the number of pledges
and comments, and nothing a draft or a hidden comment holds. (The words of every public pledge
would have to be gathered from 100,000 vectors on each search, `ts_stat`, or kept in a table of
their own that forgets a word when its last public pledge goes.)

On PostgreSQL the words are compared in one query with pg_trgm's similarity (`%`, the nearest
first). The reference tables are read whole (a few hundred rows); the organisations only when a
searched word is like a word of their name or acronym (`%>`, pg_trgm's word similarity), which
the trigram indexes of migration actors 0014 answer. On SQLite the vocabulary is read once,
cached with the statistics (whose token every change of these rows replaces), and compared with
difflib: simpler, and good enough for a fallback.
"""

import difflib
import re

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.functions import Upper
from django.http import QueryDict

from actors.models import Actor, Coalition
from reviews import search, stats
from reviews.models import (
    DeclarationParagraph,
    GuidingPrinciple,
    Objective,
    ReviewCycle,
    RoundTable,
)

# Words shorter than this, and numbers, are not corrected.
MIN_LENGTH = 3
# The words of one search looked at, at most.
MAX_WORDS = 5
# How alike two words must be for difflib (SQLite); PostgreSQL's `%` uses pg_trgm's threshold.
CUTOFF = 0.75


def words_of(alternatives) -> list[str]:
    """The distinct words the search looks for (not those it leaves out), in their order."""
    words = []
    for terms in alternatives:
        for term in terms:
            if term.negated:
                continue
            for word in term.words:
                if len(word) >= MIN_LENGTH and not word.isdigit() and word not in words:
                    words.append(word)
    return words[:MAX_WORDS]


def _texts(actors: QuerySet) -> QuerySet:
    """Every text of the vocabulary, one per row, in one query."""
    parts = [
        Objective.objects.values_list("title"),
        Objective.objects.values_list("short_label"),
        GuidingPrinciple.objects.values_list("title"),
        ReviewCycle.objects.values_list("name"),
        RoundTable.objects.values_list("title"),
        DeclarationParagraph.objects.values_list("section"),
        DeclarationParagraph.objects.values_list("summary"),
        Coalition.objects.values_list("name"),
        Coalition.objects.values_list("short_name"),
        actors.values_list("name"),
        actors.values_list("short_name"),
    ]
    first, *rest = [part.order_by() for part in parts]
    return first.union(*rest, all=True).order_by()


NEAREST = """
WITH vocabulary AS MATERIALIZED (
    SELECT DISTINCT found.lexeme AS word
    FROM ({texts}) AS texts (text), unnest(to_tsvector('simple', texts.text)) AS found
    WHERE length(found.lexeme) >= %s AND found.lexeme !~ '^[0-9]+$'
)
SELECT searched.word, (
    SELECT vocabulary.word FROM vocabulary
    WHERE vocabulary.word %% searched.word
    ORDER BY similarity(vocabulary.word, searched.word) DESC, vocabulary.word
    LIMIT 1
)
FROM unnest(%s::text[]) AS searched (word)
"""


def _nearest_on_postgresql(words: list[str], using: str) -> dict[str, str]:
    near = Q()
    for word in words:
        # The trigram indexes are on UPPER(name) and UPPER(short_name), as icontains writes them.
        near |= Q(upper_name__trigram_word_similar=word.upper())
        near |= Q(upper_short_name__trigram_word_similar=word.upper())
    actors = (
        Actor.objects.accredited()
        .alias(upper_name=Upper("name"), upper_short_name=Upper("short_name"))
        .filter(near)
    )
    texts, params = _texts(actors).query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
        cursor.execute(NEAREST.format(texts=texts), [*params, MIN_LENGTH, words])
        return {word: nearest for word, nearest in cursor.fetchall() if nearest}


def vocabulary() -> list[str]:
    """The vocabulary's words, as SQLite compares them (cached with the statistics)."""

    def read() -> list[str]:
        words = set()
        for (text,) in _texts(Actor.objects.accredited()):
            for word in search.WORD.findall((text or "").lower()):
                if len(word) >= MIN_LENGTH and not word.isdigit():
                    words.add(word)
        return sorted(words)

    return stats.remembered(stats.cache_key("search-vocabulary", QueryDict()), read)


def nearest(words: list[str], *, postgresql: bool, using: str) -> dict[str, str]:
    """{word: the nearest other word of the vocabulary}, for the words that have one."""
    if not words:
        return {}
    if postgresql:
        found = _nearest_on_postgresql(words, using)
    else:
        known = vocabulary()
        found = {}
        for word in words:
            close = difflib.get_close_matches(word, known, n=1, cutoff=CUTOFF)
            if close:
                found[word] = close[0]
    return {word: other for word, other in found.items() if other != word}


def corrected(text: str, replacements: dict[str, str]) -> str:
    """The search's text with each word replaced by its correction, whole words only, the rest
    (phrases, `-`, `or`) as it was typed."""
    for word, other in replacements.items():
        pattern = rf"(?<![^\W_]){re.escape(word)}(?![^\W_])"
        text = re.sub(pattern, lambda _match, other=other: other, text, flags=re.IGNORECASE)
    return text
