"""The single source fields give way to the citations."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_move_single_sources_and_links"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="declarationparagraph",
            name="source",
        ),
        migrations.RemoveField(
            model_name="declarationparagraph",
            name="source_locator",
        ),
        migrations.RemoveField(
            model_name="guidingprinciple",
            name="source",
        ),
        migrations.RemoveField(
            model_name="guidingprinciple",
            name="source_locator",
        ),
        migrations.RemoveField(
            model_name="milestone",
            name="source",
        ),
        migrations.RemoveField(
            model_name="milestone",
            name="source_locator",
        ),
        migrations.RemoveField(
            model_name="objective",
            name="source",
        ),
        migrations.RemoveField(
            model_name="objective",
            name="source_locator",
        ),
        migrations.RemoveField(
            model_name="reviewcycle",
            name="source",
        ),
        migrations.RemoveField(
            model_name="reviewcycle",
            name="source_locator",
        ),
        migrations.RemoveField(
            model_name="roundtable",
            name="source",
        ),
        migrations.RemoveField(
            model_name="roundtable",
            name="source_locator",
        ),
        migrations.RemoveField(
            model_name="declarationparagraph",
            name="objectives",
        ),
        migrations.AddField(
            model_name="declarationparagraph",
            name="objectives",
            field=models.ManyToManyField(
                blank=True,
                related_name="declaration_paragraphs",
                through="reviews.DeclarationParagraphObjective",
                to="reviews.objective",
            ),
        ),
    ]
