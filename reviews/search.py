"""Full-text search of pledges, for the HTML list, the API and the exports alike.

Words are read as PostgreSQL's `websearch_to_tsquery` reads them: every word must occur,
"quoted words" as a phrase, `-word` must not occur, and `or` between words splits the query into
alternatives (`a b or c` is a and b, or c). On PostgreSQL the query runs against the stored,
GIN-indexed `search_vector` (kept current by triggers, reviews migration 0011) and is ranked with
`ts_rank` (title above summary and lead, above description). Elsewhere (SQLite) the same reading
becomes whole-word, case-insensitive patterns over the same columns, with a rank of the same
weights: correct, and slower. The one difference: only PostgreSQL ignores accents.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

# The text search configuration of the vector and of the queries (migration 0011).
CONFIG = "portal_search"
# The annotation `ranked()` adds, best first.
RANK = "search_rank"

# The searched columns and their weights, as ts_rank's defaults weigh A, B and C.
WEIGHTS = {
    "title": 1.0,
    "summary": 0.4,
    "lead__name": 0.4,
    "lead__short_name": 0.4,
    "description": 0.2,
}

# A quoted phrase (the closing quote may be missing), or a run of anything else but space.
TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')
# A word, as PostgreSQL's parser splits them: letters and digits (the underscore separates).
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """Words that must occur next to each other, in this order (or must not, if negated)."""

    words: tuple[str, ...]
    negated: bool = False

    def pattern(self) -> str:
        """A case-insensitive regular expression of the words as whole words."""
        inner = r"[\W_]+".join(re.escape(word) for word in self.words)
        return rf"(?<![^\W_]){inner}(?![^\W_])"


def parse(text: str) -> list[list[Term]]:
    """The alternatives of the query, each a list of terms that must all hold; no alternative
    at all when the text has no word (empty, spaces, punctuation only)."""
    items: list[Term | None] = []  # None stands for an `or` between two terms
    negate = False
    tokens = list(TOKEN.finditer(text))
    for index, token in enumerate(tokens):
        phrase, bare = token.groups()
        raw = phrase if phrase is not None else bare
        if phrase is None and raw.startswith("-"):
            negate, raw = True, raw.lstrip("-")
        if (
            phrase is None
            and not negate
            and raw.lower() == "or"
            and items
            and items[-1] is not None
            and any(WORD.search(t.group()) for t in tokens[index + 1 :])
        ):
            items.append(None)
            continue
        words = tuple(WORD.findall(raw.lower()))
        if words:
            items.append(Term(words, negate))
            negate = False
    alternatives: list[list[Term]] = [[]]
    for item in items:
        if item is None:
            alternatives.append([])
        else:
            alternatives[-1].append(item)
    return [terms for terms in alternatives if terms]


def _on_postgresql(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _query(alternatives: list[list[Term]]) -> SearchQuery:
    # PostgreSQL gets the words as read here, each term quoted: the two readings cannot drift
    # apart, and odd input (five hundred dashes overflow websearch_to_tsquery's stack) stays out.
    text = " or ".join(
        " ".join(f'{"-" if term.negated else ""}"{" ".join(term.words)}"' for term in terms)
        for terms in alternatives
    )
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def _term_q(term: Term) -> Q:
    pattern = term.pattern()
    found = Q()
    for field in WEIGHTS:
        found |= Q(**{f"{field}__iregex": pattern})
    return ~found if term.negated else found


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """The pledges of the queryset that the words find.

    Text without a word ("%", "!!!") finds nothing, as PostgreSQL's empty query does: it is
    searched for, not dropped. (Blank text never gets here: the filter skips it.)"""
    alternatives = parse(text)
    if not alternatives:
        return queryset.none()
    if _on_postgresql(queryset):
        return queryset.filter(search_vector=_query(alternatives))
    condition = Q()
    for terms in alternatives:
        both = Q()
        for term in terms:
            both &= _term_q(term)
        condition |= both
    return queryset.filter(condition)


def ranked(queryset: QuerySet, text: str) -> QuerySet:
    """The queryset annotated with `search_rank`, higher for better matches of the words.

    A double precision number on PostgreSQL (ts_rank's `real`, cast): a cursor that pages by
    rank then finds again exactly the value it left off at."""
    alternatives = parse(text)
    if alternatives and _on_postgresql(queryset):
        rank = SearchRank(F("search_vector"), _query(alternatives))
        return queryset.annotate(**{RANK: Cast(rank, FloatField())})
    # Each word found adds the weight of the best column it is found in.
    scores = [
        Case(
            *(
                When(Q(**{f"{field}__iregex": term.pattern()}), then=Value(weight))
                for field, weight in WEIGHTS.items()
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
        for terms in alternatives
        for term in terms
        if not term.negated
    ]
    return queryset.annotate(**{RANK: _sum(scores)})


def _sum(scores: list) -> Value | Case:
    # Added as a balanced tree: a chain of a hundred `+` nests too deep for SQLite's parser.
    if not scores:
        return Value(0.0, output_field=FloatField())
    if len(scores) == 1:
        return scores[0]
    middle = len(scores) // 2
    return _sum(scores[:middle]) + _sum(scores[middle:])
