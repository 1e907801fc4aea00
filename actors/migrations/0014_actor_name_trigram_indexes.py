"""Trigram indexes on the actor's name and acronym, for the directory's name search.

The directory's `q` is an `icontains`, which Django writes on PostgreSQL as
`UPPER(name::text) LIKE UPPER('%…%')`: a GIN index with `gin_trgm_ops` over that same expression
serves it (from three letters on) instead of a scan of every actor. PostgreSQL only, and outside
the model's Meta: SQLite rebuilds a table from its Meta when a later migration alters it, and would
choke on `USING gin`.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARDS = """
CREATE INDEX actor_name_trgm ON actors_actor USING gin (UPPER(name::text) gin_trgm_ops);
CREATE INDEX actor_short_name_trgm ON actors_actor USING gin (UPPER(short_name::text) gin_trgm_ops);
"""

BACKWARDS = """
DROP INDEX IF EXISTS actor_name_trgm;
DROP INDEX IF EXISTS actor_short_name_trgm;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [("actors", "0013_remove_single_source_fields")]

    operations = [TrigramExtension(), migrations.RunPython(forwards, backwards)]
