"""Full-text search of pledges, for the HTML list, the API and the exports alike.

Words are read as PostgreSQL's `websearch_to_tsquery` reads them: every word must occur,
"quoted words" as a phrase, `-word` must not occur, and `or` between words splits the query into
alternatives (`a b or c` is a and b, or c). On PostgreSQL the query runs against the stored,
GIN-indexed `search_vector` (kept current by triggers, reviews migrations 0011 and 0015).
Elsewhere (SQLite) the same reading becomes whole-word, case-insensitive patterns over the same
columns: correct, and slower. The one difference: only PostgreSQL ignores accents.

The best matches come first, in tiers (`ranked()`): the pledges whose title the words find, then
those whose title, summary or lead finds them, then the rest (found through the description);
within a tier, the list's own order. A tier is a condition on a stored vector of its own
(`search_title`, `search_head`), so a page of results is read tier by tier along the list's
order index (portal.pagination pages by tier): it costs the same at any size of the table, where
ordering every match by `ts_rank` reads them all.

The site-wide search (reviews.site_search) reads its words here too, and searches the other
kinds of content with `condition()`: the same query against their own vectors, or the same
patterns over their own columns.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVectorExact
from django.db import connections
from django.db.models import Q, QuerySet, Value

from portal.keyset import Tiers

# The text search configuration of the vector and of the queries (migration 0011).
CONFIG = "portal_search"
# The annotation `ranked()` adds: the tier of the match, best first.
RANK = "search_rank"

# The searched columns, as the vector weighs them (A, B, C: migration 0011).
WEIGHTS = {
    "title": 1.0,
    "summary": 0.4,
    "lead__name": 0.4,
    "lead__short_name": 0.4,
    "description": 0.2,
}
# The ranking tiers, best first: the stored vector each is read from on PostgreSQL, and the
# columns it holds (for the pattern matching elsewhere). Whatever no tier finds ranks 0.
TIERS = (
    (2, "search_title", ("title",)),
    (1, "search_head", ("title", "summary", "lead__name", "lead__short_name")),
)

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


def on_postgresql(queryset: QuerySet) -> bool:
    """Whether the queryset reads PostgreSQL (the stored vectors), or else falls back."""
    return connections[queryset.db].vendor == "postgresql"


def _query(alternatives: list[list[Term]]) -> SearchQuery:
    # PostgreSQL gets the words as read here, each term quoted: the two readings cannot drift
    # apart, and odd input (five hundred dashes overflow websearch_to_tsquery's stack) stays out.
    text = " or ".join(
        " ".join(f'{"-" if term.negated else ""}"{" ".join(term.words)}"' for term in terms)
        for terms in alternatives
    )
    return SearchQuery(text, config=CONFIG, search_type="websearch")


def _term_q(term: Term, fields=tuple(WEIGHTS)) -> Q:
    pattern = term.pattern()
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__iregex": pattern})
    return ~found if term.negated else found


def _patterns_q(alternatives: list[list[Term]], fields=tuple(WEIGHTS)) -> Q:
    condition = Q()
    for terms in alternatives:
        both = Q()
        for term in terms:
            both &= _term_q(term, fields)
        condition |= both
    return condition


def tsquery(alternatives: list[list[Term]]) -> SearchQuery:
    """The words as PostgreSQL's query, for another vector than the pledges' or a headline."""
    return _query(alternatives)


def condition(alternatives: list[list[Term]], vector, fields, *, postgresql: bool) -> Q:
    """That the words find a row of another model (reviews.site_search), read as for pledges:
    on PostgreSQL its vector (a stored column's name, or an expression such as
    `SearchVector("body", config=CONFIG)`, which a GIN index of the same expression serves)
    matches the query; elsewhere the whole-word patterns over `fields` do."""
    if not postgresql:
        return _patterns_q(alternatives, fields)
    if isinstance(vector, str):
        return Q(**{vector: _query(alternatives)})
    return Q(SearchVectorExact(vector, _query(alternatives)))


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """The pledges of the queryset that the words find.

    Text without a word ("%", "!!!") finds nothing, as PostgreSQL's empty query does: it is
    searched for, not dropped. (Blank text never gets here: the filter skips it.)"""
    alternatives = parse(text)
    if not alternatives:
        return queryset.none()
    if on_postgresql(queryset):
        return queryset.filter(search_vector=_query(alternatives))
    return queryset.filter(_patterns_q(alternatives))


def ranked(queryset: QuerySet, text: str) -> QuerySet:
    """The queryset annotated with `search_rank`, the tier of each pledge's match: 2 when the
    words find its title, 1 its title, summary or lead, else 0 (found by its description).

    The annotation is a CASE of one condition per tier (portal.keyset.Tiers), which the
    paginators page tier by tier, each read in the list's order; anything else (an export, a
    count) reads it as the plain expression it also is."""
    alternatives = parse(text)
    if not alternatives:
        return queryset.annotate(**{RANK: Value(0)})
    postgresql = on_postgresql(queryset)
    tiers = [
        (
            tier,
            Q(**{column: _query(alternatives)})
            if postgresql
            else _patterns_q(alternatives, fields),
        )
        for tier, column, fields in TIERS
    ]
    return queryset.annotate(**{RANK: Tiers(*tiers, default=0)})
