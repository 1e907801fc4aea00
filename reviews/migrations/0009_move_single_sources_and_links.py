"""Each record's single source becomes its first citation (and back).

Its own migration, so that on PostgreSQL the rows are committed before the tables they
reference are altered."""

from django.db import migrations

CURATED = {
    "objective": "objectivecitation",
    "guidingprinciple": "guidingprinciplecitation",
    "reviewcycle": "reviewcyclecitation",
    "roundtable": "roundtablecitation",
    "declarationparagraph": "declarationparagraphcitation",
    "milestone": "milestonecitation",
}


def single_source_to_citations(apps, schema_editor):
    """Each record's one source and locator becomes its first citation."""
    for record_name, citation_name in CURATED.items():
        Record = apps.get_model("reviews", record_name)
        Citation = apps.get_model("reviews", citation_name)
        Citation.objects.bulk_create(
            Citation(record_id=pk, source_id=source_id, locator=locator)
            for pk, source_id, locator in Record.objects.order_by("pk").values_list(
                "pk", "source_id", "source_locator"
            )
        )


def citations_to_single_source(apps, schema_editor):
    """Back to one source per record: the first citation (the others are lost)."""
    for record_name, citation_name in CURATED.items():
        Record = apps.get_model("reviews", record_name)
        Citation = apps.get_model("reviews", citation_name)
        for citation in Citation.objects.order_by("-pk"):
            Record.objects.filter(pk=citation.record_id).update(
                source_id=citation.source_id, source_locator=citation.locator
            )


def links_to_editorial_links(apps, schema_editor):
    """No source states which objectives a paragraph speaks to: every link so far is editorial."""
    Paragraph = apps.get_model("reviews", "DeclarationParagraph")
    Link = apps.get_model("reviews", "DeclarationParagraphObjective")
    Link.objects.bulk_create(
        Link(paragraph_id=paragraph_id, objective_id=objective_id, editorial=True)
        for paragraph_id, objective_id in Paragraph.objectives.through.objects.order_by(
            "pk"
        ).values_list("declarationparagraph_id", "objective_id")
    )


def editorial_links_to_links(apps, schema_editor):
    Paragraph = apps.get_model("reviews", "DeclarationParagraph")
    Link = apps.get_model("reviews", "DeclarationParagraphObjective")
    Paragraph.objectives.through.objects.bulk_create(
        Paragraph.objectives.through(declarationparagraph_id=p, objective_id=o)
        for p, o in Link.objects.order_by("pk").values_list("paragraph_id", "objective_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_citation_models_and_paragraph_objective_links"),
    ]

    operations = [
        migrations.RunPython(single_source_to_citations, citations_to_single_source),
        migrations.RunPython(links_to_editorial_links, editorial_links_to_links),
    ]
