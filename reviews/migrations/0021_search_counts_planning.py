"""What the site search's bounded counts need of PostgreSQL's planner (reviews.site_search).

The search counts each kind up to 1,000 matches and its facets over as many pledges. With the
search vector's GIN index alone, PostgreSQL read a common word's first thousand public pledges
by scanning the table and matching each row's vector (45 ms at 100,000 pledges, the vectors read
from TOAST), or by ANDing the word's bitmap with the bitmap of every public pledge (5 ms more):
a GIN index of the public pledges' vectors alone hands the word's public pledges to a bitmap
heap scan that stops at the thousandth (5 ms). The index of every pledge's vector stays, for the
searches of the pledges a person may read that are not public.

Comments: the planner cannot estimate a word missing from the comments' statistics and reckons
with thousands of matches, for which it starts two parallel workers; starting them took longer
than reading the few comments a search finds (5 ms of 8). A count of at most a thousand
comments is read by one process.
"""

from django.db import migrations

FORWARDS = """
CREATE INDEX pledge_search_public ON reviews_pledge USING gin (search_vector)
    WHERE status IN ('published', 'withdrawn');
ALTER TABLE reviews_comment SET (parallel_workers = 0);
"""

BACKWARDS = """
ALTER TABLE reviews_comment RESET (parallel_workers);
DROP INDEX IF EXISTS pledge_search_public;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0020_reporting_rounds")]

    operations = [migrations.RunPython(forwards, backwards)]
