"""A stored, weighted search vector on pledges, kept current by PostgreSQL itself.

The vector (reviews.search reads it) weighs the title A, the summary and the lead's name and
acronym B, the description C, in the `portal_search` text search configuration: `simple` (no
stemming, so no language is favoured among the portal's six) with `unaccent` first, so that
"migracion" finds "migración". The database writes it:

- a BEFORE trigger on the pledge computes it on every INSERT (ORM, `bulk_create`, `COPY` of
  `seed_demo`) and every UPDATE that writes a searched column or the vector itself (a model's
  `save()` writes them all; `.update(status=…)` leaves the vector alone, as it should);
- an AFTER trigger on the actor, when its name or acronym changes, sets its pledges' vectors to
  NULL, which fires the pledge trigger: the formula is in one place.

The GIN index and the triggers exist on PostgreSQL only (the column stays NULL on SQLite, where
reviews.search falls back to pattern matching). The index is kept out of the model's Meta on
purpose: SQLite rebuilds a table from its Meta when a later migration alters it, and would choke on
`USING gin`. Existing rows are backfilled before the index is built.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

FORWARDS = """
CREATE TEXT SEARCH CONFIGURATION portal_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION portal_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

CREATE FUNCTION reviews_pledge_search_vector() RETURNS trigger AS $$
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

CREATE TRIGGER reviews_pledge_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, description, lead_id, search_vector
    ON reviews_pledge
    FOR EACH ROW EXECUTE FUNCTION reviews_pledge_search_vector();

CREATE FUNCTION reviews_lead_search_vector() RETURNS trigger AS $$
BEGIN
    UPDATE reviews_pledge SET search_vector = NULL WHERE lead_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reviews_lead_search_vector
    AFTER UPDATE OF name, short_name ON actors_actor
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.short_name IS DISTINCT FROM NEW.short_name)
    EXECUTE FUNCTION reviews_lead_search_vector();

UPDATE reviews_pledge SET search_vector = NULL;
CREATE INDEX pledge_search_vector ON reviews_pledge USING gin (search_vector);
"""

BACKWARDS = """
DROP INDEX IF EXISTS pledge_search_vector;
DROP TRIGGER IF EXISTS reviews_lead_search_vector ON actors_actor;
DROP FUNCTION IF EXISTS reviews_lead_search_vector();
DROP TRIGGER IF EXISTS reviews_pledge_search_vector ON reviews_pledge;
DROP FUNCTION IF EXISTS reviews_pledge_search_vector();
DROP TEXT SEARCH CONFIGURATION IF EXISTS portal_search;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0013_remove_single_source_fields"),
        ("reviews", "0010_remove_single_source_fields"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.AddField(
            model_name="pledge",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
