"""The ranking tiers of a search: the title's words, and the title's, summary's and lead's.

A search lists the pledges whose title the words find first, then those whose summary or lead
they find, then those found by their description alone, each tier in the list's order
(reviews.search). Each tier is read from a GIN index of its own vector, so that PostgreSQL
estimates how many pledges a tier holds from that vector's own statistics and reads a common
word's first page along the list's order index, a rare one's from the GIN index: a page costs
about the same at 1,000 and at 100,000 pledges, where ranking every match by `ts_rank` grew with
the number of matches.

The trigger of migration 0011 now writes all three vectors from one formula; the column list
that fires it is unchanged (setting `search_vector` to NULL still recomputes them all, as the
actor trigger does). Existing rows are backfilled before the indexes are built.

The vectors' statistics sample ten times the default: PostgreSQL keeps a word in its list of
common words only above a frequency that falls as the target rises, and estimates any word not
in the list from the rarest one in it. With the default, a word found in two pledges of 100,000
is estimated in 400, and a tier of a rare word is read along the list's index to its end.
"""

import django.contrib.postgres.search
from django.db import migrations

FORWARDS = """
CREATE OR REPLACE FUNCTION reviews_pledge_search_vector() RETURNS trigger AS $$
DECLARE
    lead_name text;
BEGIN
    SELECT concat_ws(' ', name, short_name) INTO lead_name FROM actors_actor WHERE id = NEW.lead_id;
    NEW.search_title := setweight(to_tsvector('portal_search', coalesce(NEW.title, '')), 'A');
    NEW.search_head :=
        NEW.search_title
        || setweight(to_tsvector('portal_search', coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('portal_search', coalesce(lead_name, '')), 'B');
    NEW.search_vector :=
        NEW.search_head
        || setweight(to_tsvector('portal_search', coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

ALTER TABLE reviews_pledge
    ALTER COLUMN search_vector SET STATISTICS 1000,
    ALTER COLUMN search_title SET STATISTICS 1000,
    ALTER COLUMN search_head SET STATISTICS 1000;
UPDATE reviews_pledge SET search_vector = NULL;
CREATE INDEX pledge_search_title ON reviews_pledge USING gin (search_title);
CREATE INDEX pledge_search_head ON reviews_pledge USING gin (search_head);
ANALYZE reviews_pledge;
"""

BACKWARDS = """
ALTER TABLE reviews_pledge ALTER COLUMN search_vector SET STATISTICS -1;
DROP INDEX IF EXISTS pledge_search_head;
DROP INDEX IF EXISTS pledge_search_title;
CREATE OR REPLACE FUNCTION reviews_pledge_search_vector() RETURNS trigger AS $$
DECLARE
    lead_name text;
BEGIN
    SELECT concat_ws(' ', name, short_name) INTO lead_name FROM actors_actor WHERE id = NEW.lead_id;
    NEW.search_vector :=
        setweight(to_tsvector('portal_search', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('portal_search', coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('portal_search', coalesce(lead_name, '')), 'B')
        || setweight(to_tsvector('portal_search', coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0014_pledge_public_published_indexes")]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="search_title",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="pledge",
            name="search_head",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
