"""GIN indexes for the site-wide search (reviews.site_search): progress reports by their
narrative, comments by their body, Declaration paragraphs by their summary.

Each index is on the very expression the search filters with, `SearchVector(column,
config="portal_search")`, which Django writes as
`to_tsvector('portal_search'::regconfig, COALESCE(column, ''))`: PostgreSQL uses an expression
index only for the same expression. No stored column and no trigger, unlike the pledges' vectors
(migrations 0011 and 0015): these rows have one searched column each and no ranking tiers, and
the index keeps its entries current by itself.

PostgreSQL only, and outside the models' Meta: SQLite rebuilds a table from its Meta when a
later migration alters it, and would choke on `USING gin` (reviews.search falls back to pattern
matching there). The statistics of the expressions are gathered at once, so that the planner
knows how rare a word is from the first search on.
"""

from django.db import migrations

INDEXES = {
    "progress_update_search": ("reviews_progressupdate", "narrative"),
    "comment_search": ("reviews_comment", "body"),
    "paragraph_search": ("reviews_declarationparagraph", "summary"),
}

FORWARDS = "".join(
    f"CREATE INDEX {name} ON {table} USING gin "
    f"(to_tsvector('portal_search'::regconfig, COALESCE({column}, '')));\n"
    f"ANALYZE {table};\n"
    for name, (table, column) in INDEXES.items()
)

BACKWARDS = "".join(f"DROP INDEX IF EXISTS {name};\n" for name in INDEXES)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0016_content_language")]

    operations = [migrations.RunPython(forwards, backwards)]
