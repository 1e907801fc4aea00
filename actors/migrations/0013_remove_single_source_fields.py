"""The single source fields give way to the citations."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0012_move_single_sources_into_citations"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="actor",
            name="source",
        ),
        migrations.RemoveField(
            model_name="actor",
            name="source_locator",
        ),
        migrations.RemoveField(
            model_name="coalition",
            name="source",
        ),
        migrations.RemoveField(
            model_name="coalition",
            name="source_locator",
        ),
        migrations.RemoveField(
            model_name="coalitionmembership",
            name="source",
        ),
        migrations.RemoveField(
            model_name="coalitionmembership",
            name="source_locator",
        ),
    ]
