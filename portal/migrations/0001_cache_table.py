"""Create the database cache table, so that `migrate` alone prepares a new database.

The cache is the database by default (shared by every app server); with CACHE_URL pointing to
Redis the command finds no database cache and does nothing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
