"""The citation tables (and, until the data moves, an optional single source)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0010_queued_mail_becomes_outgoing_email"),
    ]

    operations = [
        migrations.AlterField(
            model_name="coalitionmembership",
            name="role",
            field=models.CharField(
                choices=[
                    ("member", "Member"),
                    ("founding-member", "Founding member"),
                    ("chair", "Chair"),
                    ("co-chair", "Co-chair"),
                    ("coordinator", "Coordinator"),
                    ("co-lead", "Co-lead"),
                ],
                default="member",
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="ActorCitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "locator",
                    models.CharField(
                        help_text="Where in the source the fact stands: a phrase found word for word in its text.",
                        max_length=500,
                    ),
                ),
                (
                    "supports",
                    models.CharField(
                        blank=True,
                        help_text="What this source supports (fields or facts); empty when it is the whole record.",
                        max_length=300,
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations",
                        to="actors.actor",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="actors.sourcedocument",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("record", "source", "locator"), name="actors_actorcitation_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CoalitionCitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "locator",
                    models.CharField(
                        help_text="Where in the source the fact stands: a phrase found word for word in its text.",
                        max_length=500,
                    ),
                ),
                (
                    "supports",
                    models.CharField(
                        blank=True,
                        help_text="What this source supports (fields or facts); empty when it is the whole record.",
                        max_length=300,
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations",
                        to="actors.coalition",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="actors.sourcedocument",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("record", "source", "locator"), name="actors_coalitioncitation_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CoalitionMembershipCitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "locator",
                    models.CharField(
                        help_text="Where in the source the fact stands: a phrase found word for word in its text.",
                        max_length=500,
                    ),
                ),
                (
                    "supports",
                    models.CharField(
                        blank=True,
                        help_text="What this source supports (fields or facts); empty when it is the whole record.",
                        max_length=300,
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="citations",
                        to="actors.coalitionmembership",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="actors.sourcedocument",
                    ),
                ),
            ],
            options={
                "ordering": ["pk"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("record", "source", "locator"),
                        name="actors_coalitionmembershipcitation_once",
                    )
                ],
            },
        ),
        migrations.AlterField(
            model_name="coalition",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_records",
                to="actors.sourcedocument",
            ),
        ),
        migrations.AlterField(
            model_name="coalitionmembership",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_records",
                to="actors.sourcedocument",
            ),
        ),
    ]
