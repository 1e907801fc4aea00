"""The rules of a pledge's own row in the database, each reported on its field by full_clean()."""

from django.db import migrations, models

import reviews.models.constraints


def forget_answers_the_rules_refuse(apps, schema_editor):
    """Before the database holds the rules: a pledge that is not a matching one, or that names
    itself, answers no pledge (the API used to accept both; the web form never did)."""
    Pledge = apps.get_model("reviews", "Pledge")
    answering = Pledge.objects.filter(matches__isnull=False)
    answering.exclude(kind="matching").update(matches=None)
    answering.filter(matches=models.F("pk")).update(matches=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_moderation_log_append_only"),
    ]

    operations = [
        migrations.RunPython(forget_answers_the_rules_refuse, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="pledge",
            name="pledge_ends_after_start",
        ),
        migrations.RemoveConstraint(
            model_name="pledge",
            name="pledge_amount_not_negative",
        ),
        migrations.AddConstraint(
            model_name="pledge",
            constraint=reviews.models.constraints.FieldCheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True),
                    ("start_date__isnull", True),
                    ("end_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                field="end_date",
                name="pledge_ends_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pledge",
            constraint=reviews.models.constraints.FieldCheckConstraint(
                condition=models.Q(("amount__isnull", True), ("amount__gte", 0), _connector="OR"),
                field="amount",
                name="pledge_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pledge",
            constraint=reviews.models.constraints.FieldCheckConstraint(
                condition=models.Q(
                    ("matches__isnull", True), ("kind", "matching"), _connector="OR"
                ),
                field="matches",
                name="pledge_only_matching_answers",
                violation_error_message="Only a matching pledge answers another pledge.",
            ),
        ),
        migrations.AddConstraint(
            model_name="pledge",
            constraint=reviews.models.constraints.FieldCheckConstraint(
                condition=models.Q(
                    ("matches__isnull", True),
                    models.Q(("matches", models.F("pk")), _negated=True),
                    _connector="OR",
                ),
                field="matches",
                name="pledge_answers_another",
                violation_error_message="A pledge cannot answer itself.",
            ),
        ),
    ]
