"""On PostgreSQL the database itself refuses to change or delete moderation log rows.

The model and its queryset refuse it in code; this trigger also stops raw SQL and any tool that
bypasses Django. (Clearing a test database uses TRUNCATE, which row triggers do not see.)
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reviews_moderation_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The moderation log cannot be changed.';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_log_append_only
    BEFORE UPDATE OR DELETE ON reviews_moderationlogentry
    FOR EACH ROW EXECUTE FUNCTION reviews_moderation_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS moderation_log_append_only ON reviews_moderationlogentry;
DROP FUNCTION IF EXISTS reviews_moderation_log_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_comments_flags_moderation_log")]

    operations = [migrations.RunPython(forwards, backwards)]
