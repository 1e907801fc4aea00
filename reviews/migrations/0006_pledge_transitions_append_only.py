"""The moderation log and the pledges' transitions are append-only in the database too.

On PostgreSQL a row trigger refuses UPDATE and DELETE and a statement trigger refuses TRUNCATE
(which row triggers do not see) on both tables; this replaces the log's row trigger of 0004 by
one mechanism for both. The transitions' relations become PROTECT: a cascade or SET_NULL would
delete or rewrite the history.

The one way past the triggers is the session setting `portal.allow_log_rewrite = on`. Production
never sets it; the test settings set it so that flushing a test database (TRUNCATE) works.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLES = ("reviews_moderationlogentry", "reviews_pledgetransition")

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION reviews_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.allow_log_rewrite', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION '% of % refused: the table is append-only.', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

CREATE_TRIGGERS = """
CREATE TRIGGER {table}_append_only_rows
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION reviews_append_only();
CREATE TRIGGER {table}_append_only_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_append_only();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS {table}_append_only_rows ON {table};
DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table};
"""

# Migration 0004's trigger on the log alone, replaced here and restored by the reverse.
OLD_CREATE = """
CREATE OR REPLACE FUNCTION reviews_moderation_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The moderation log cannot be changed.';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_log_append_only
    BEFORE UPDATE OR DELETE ON reviews_moderationlogentry
    FOR EACH ROW EXECUTE FUNCTION reviews_moderation_log_append_only();
"""

OLD_DROP = """
DROP TRIGGER IF EXISTS moderation_log_append_only ON reviews_moderationlogentry;
DROP FUNCTION IF EXISTS reviews_moderation_log_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_DROP)
    schema_editor.execute(CREATE_FUNCTION, params=None)  # its "%" are plpgsql's, not ours
    for table in TABLES:
        schema_editor.execute(CREATE_TRIGGERS.format(table=table))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(DROP_TRIGGERS.format(table=table))
    schema_editor.execute("DROP FUNCTION IF EXISTS reviews_append_only();")
    schema_editor.execute(OLD_CREATE)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0006_notification_kinds_for_workflow_events"),
        ("reviews", "0005_pledge_invariants_as_constraints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="pledgetransition",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                help_text="The organisation on whose behalf the step was taken (none for moderators).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="actors.actor",
            ),
        ),
        migrations.AlterField(
            model_name="pledgetransition",
            name="pledge",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="transitions",
                to="reviews.pledge",
            ),
        ),
        migrations.AlterField(
            model_name="pledgetransition",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
