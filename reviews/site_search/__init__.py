"""The site-wide search (/search/, /api/v1/search/): pledges, progress reports, comments,
organisations, coalitions, objectives and Declaration paragraphs, in one search.

`results.run()` answers a request; `kinds` says what each kind of result is searched in and how
it reads, `facets` counts the types and the pledge filters, `snippets` highlights, and
`suggestions` proposes a correction when a word finds nothing. The pledges' own search (the
words' reading, the stored vectors, the ranking tiers) is reviews.search.
"""
