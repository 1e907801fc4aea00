"""The citation tables (and, until the data moves, an optional single source)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_pledge_attachment_type_allowed"),
        ("actors", "0011_citation_models"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeclarationParagraphObjective",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "editorial",
                    models.BooleanField(
                        default=True,
                        help_text="The curators' own reading; untick only when a cited source states the link.",
                    ),
                ),
                (
                    "objective",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reviews.objective",
                    ),
                ),
                (
                    "paragraph",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="objective_links",
                        to="reviews.declarationparagraph",
                    ),
                ),
            ],
            options={
                "ordering": ["objective__number"],
            },
        ),
        migrations.CreateModel(
            name="GuidingPrincipleCitation",
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
                        to="reviews.guidingprinciple",
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
            },
        ),
        migrations.CreateModel(
            name="MilestoneCitation",
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
                        to="reviews.milestone",
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
            },
        ),
        migrations.CreateModel(
            name="ObjectiveCitation",
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
                        to="reviews.objective",
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
            },
        ),
        migrations.CreateModel(
            name="ReviewCycleCitation",
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
                        to="reviews.reviewcycle",
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
            },
        ),
        migrations.CreateModel(
            name="RoundTableCitation",
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
                        to="reviews.roundtable",
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
            },
        ),
        migrations.CreateModel(
            name="DeclarationParagraphCitation",
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
                        to="reviews.declarationparagraph",
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
                        name="reviews_declarationparagraphcitation_once",
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="declarationparagraphobjective",
            constraint=models.UniqueConstraint(
                fields=("paragraph", "objective"), name="paragraph_objective_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="guidingprinciplecitation",
            constraint=models.UniqueConstraint(
                fields=("record", "source", "locator"), name="reviews_guidingprinciplecitation_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="milestonecitation",
            constraint=models.UniqueConstraint(
                fields=("record", "source", "locator"), name="reviews_milestonecitation_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="objectivecitation",
            constraint=models.UniqueConstraint(
                fields=("record", "source", "locator"), name="reviews_objectivecitation_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcyclecitation",
            constraint=models.UniqueConstraint(
                fields=("record", "source", "locator"), name="reviews_reviewcyclecitation_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="roundtablecitation",
            constraint=models.UniqueConstraint(
                fields=("record", "source", "locator"), name="reviews_roundtablecitation_once"
            ),
        ),
        migrations.AlterField(
            model_name="objective",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_records",
                to="actors.sourcedocument",
            ),
        ),
        migrations.AlterField(
            model_name="guidingprinciple",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_records",
                to="actors.sourcedocument",
            ),
        ),
        migrations.AlterField(
            model_name="reviewcycle",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_records",
                to="actors.sourcedocument",
            ),
        ),
        migrations.AlterField(
            model_name="roundtable",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_records",
                to="actors.sourcedocument",
            ),
        ),
        migrations.AlterField(
            model_name="declarationparagraph",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_records",
                to="actors.sourcedocument",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="source",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_records",
                to="actors.sourcedocument",
            ),
        ),
    ]
