"""The migrations that move each record's single source into citations, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("actors", "0010_queued_mail_becomes_outgoing_email"),
    ("reviews", "0007_pledge_attachment_type_allowed"),
]
AFTER = [
    ("actors", "0013_remove_single_source_fields"),
    ("reviews", "0010_remove_single_source_fields"),
]


@pytest.fixture
def back_to_latest():
    """Whatever the test leaves, the database ends on the latest migrations."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_single_sources_become_citations_and_paragraph_links_become_editorial(back_to_latest):
    old = migrate(BEFORE)
    Objective = old.get_model("reviews", "Objective")
    Paragraph = old.get_model("reviews", "DeclarationParagraph")
    Membership = old.get_model("actors", "CoalitionMembership")
    objective = Objective.objects.get(number=8)
    network = Membership.objects.get(coalition__slug="un-network-on-migration", actor__slug="iom")
    paragraph = Paragraph.objects.get(number=66)
    # Going back keeps each record's first citation as its one source.
    assert (objective.source.slug, objective.source_locator) == ("a-res-73-195", "paragraph 16")
    assert network.source.slug == "a-res-73-195"
    assert sorted(paragraph.objectives.values_list("number", flat=True)) == [6, 22]
    Objective.objects.filter(pk=objective.pk).update(source_locator="edited before migrating")

    new = migrate(AFTER)

    citations = new.get_model("reviews", "ObjectiveCitation").objects.filter(record_id=objective.pk)
    assert list(citations.values_list("source__slug", "locator")) == [
        ("a-res-73-195", "edited before migrating")
    ]
    links = new.get_model("reviews", "DeclarationParagraphObjective").objects.filter(
        paragraph_id=paragraph.pk
    )
    assert sorted(links.values_list("objective__number", "editorial")) == [(6, True), (22, True)]
    assert (
        new.get_model("actors", "CoalitionMembershipCitation")
        .objects.filter(record_id=network.pk, source__slug="a-res-73-195")
        .exists()
    )
