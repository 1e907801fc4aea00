"""Each record's single source becomes its first citation (and back).

Its own migration, so that on PostgreSQL the rows are committed before the tables they
reference are altered."""

from django.db import migrations

CURATED = {
    "actor": "actorcitation",
    "coalition": "coalitioncitation",
    "coalitionmembership": "coalitionmembershipcitation",
}


def single_source_to_citations(apps, schema_editor):
    """Each record's one source and locator becomes its first citation."""
    for record_name, citation_name in CURATED.items():
        Record = apps.get_model("actors", record_name)
        Citation = apps.get_model("actors", citation_name)
        Citation.objects.bulk_create(
            Citation(record_id=pk, source_id=source_id, locator=locator)
            for pk, source_id, locator in Record.objects.filter(source__isnull=False)
            .order_by("pk")
            .values_list("pk", "source_id", "source_locator")
        )


def citations_to_single_source(apps, schema_editor):
    """Back to one source per record: the first citation (the others are lost)."""
    for record_name, citation_name in CURATED.items():
        Record = apps.get_model("actors", record_name)
        Citation = apps.get_model("actors", citation_name)
        for citation in Citation.objects.order_by("-pk"):
            Record.objects.filter(pk=citation.record_id).update(
                source_id=citation.source_id, source_locator=citation.locator
            )


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0011_citation_models"),
    ]

    operations = [
        migrations.RunPython(single_source_to_citations, citations_to_single_source),
    ]
