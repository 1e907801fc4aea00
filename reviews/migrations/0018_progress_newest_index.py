"""The newest shown progress reports first (the home page, the Atom feeds), from an index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0017_site_search_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="progressupdate",
            index=models.Index(
                condition=models.Q(("is_hidden", False)),
                fields=["-created_at", "-id"],
                name="progress_newest_shown",
            ),
        ),
    ]
