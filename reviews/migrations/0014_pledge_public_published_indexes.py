"""The HTML pledge list's publication orders, read from an index on PostgreSQL.

The list sorts by `published_at DESC NULLS LAST, id DESC` (newest) or `published_at ASC NULLS
LAST, id ASC` (oldest) over the public statuses (reviews/filters.py PLEDGE_SORTS). A B-tree read
backwards reverses the NULLs' place too, so each order needs an index of its own; SQLite cannot
declare NULLS LAST in an index, so these exist on PostgreSQL only (reviews/models/list_indexes.py
has the portable ones). The condition is `public_pledge_q()`'s, frozen here as migrations are.
"""

from django.db import migrations, models

PUBLIC = models.Q(("status__in", ("published", "withdrawn")))
INDEXES = [
    models.Index(
        models.F("published_at").desc(nulls_last=True),
        models.F("id").desc(),
        condition=PUBLIC,
        name="pledge_public_newest",
    ),
    models.Index(
        models.F("published_at").asc(nulls_last=True),
        models.F("id").asc(),
        condition=PUBLIC,
        name="pledge_public_oldest",
    ),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        pledge = apps.get_model("reviews", "Pledge")
        for index in INDEXES:
            schema_editor.add_index(pledge, index)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        pledge = apps.get_model("reviews", "Pledge")
        for index in INDEXES:
            schema_editor.remove_index(pledge, index)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0013_export_jobs")]

    operations = [migrations.RunPython(forwards, backwards)]
