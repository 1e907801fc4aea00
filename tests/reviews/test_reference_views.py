from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse

from actors.models import Actor, Coalition
from reviews.models import Comment, Objective, ReviewCycle, RoundTableObjective
from tests.factories import (
    ActorFactory,
    CoalitionMembershipFactory,
    DeclarationParagraphFactory,
    MilestoneFactory,
    ReviewCycleFactory,
    RoundTableFactory,
    SourceDocumentFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db


def converse(count: int):
    """Comments with a reply each on objective 7 and on the first paragraph and round table of
    IMRF 2022 (and the first hidden one, which the public never sees)."""
    author = VerifiedUserFactory()
    imrf = ReviewCycle.objects.get(slug="imrf-2022")
    targets = {
        "objective": Objective.objects.get(number=7),
        "paragraph": imrf.declaration_paragraphs.first(),
        "round_table": imrf.round_tables.first(),
    }
    for field, target in targets.items():
        for index in range(count):
            comment = Comment.objects.create(
                author=author,
                body="A view",
                body_html="<p>A view</p>",
                is_hidden=index == 0,
                **{field: target},
            )
            Comment.objects.create(
                author=author,
                body="A reply",
                body_html="<p>A reply</p>",
                parent=comment,
                **{field: target},
            )


def grow_reference_data():
    """Add many more records of every kind a public page lists."""
    converse(30)
    imrf = ReviewCycle.objects.get(slug="imrf-2022")
    source = SourceDocumentFactory()
    for number in range(100, 130):
        paragraph = DeclarationParagraphFactory(cycle=imrf, number=number, source=source)
        paragraph.objectives.set(Objective.objects.filter(number__in=[7, 8, 23]))
    for _ in range(5):
        cycle = ReviewCycleFactory(source=source)
        for number, objectives in enumerate([range(1, 12), range(12, 24)], start=1):
            round_table = RoundTableFactory(cycle=cycle, number=number, source=source)
            RoundTableObjective.objects.bulk_create(
                RoundTableObjective(round_table=round_table, objective_id=o.pk)
                for o in Objective.objects.filter(number__in=objectives)
            )
        DeclarationParagraphFactory.create_batch(5, cycle=cycle, source=source)
    MilestoneFactory.create_batch(20, source=source)
    gmg = Coalition.objects.get(slug="global-migration-group")
    iom = Actor.objects.get(slug="iom")
    for actor in ActorFactory.create_batch(40, parent=iom):
        CoalitionMembershipFactory(coalition=gmg, actor=actor, source=source)
        CoalitionMembershipFactory(actor=actor, source=source)


# Each kind of curated record on a page costs one query more for its citations, however many.
# The pages' pledge figures (reviews.discovery), counted with nothing cached, add: home 6 (the
# cycle's filter, its coverage, total and countries; the newest pledges' total; the progress
# reports), an objective 4 and a cycle 6 (its filter, the total, its round tables' and
# paragraphs' counts and their newest pledges' ids), an actor 8 (its filter, its coverage,
# its kind's and its coalitions', the coalitions, its total; and its responsiveness to
# questions, reviews.questions), a coalition 2 (its filter, the total). No pledge: no cards.
PAGES = [
    ("home", [], 11),
    ("reviews:objective-list", [], 3),
    ("reviews:objective-detail", [8], 13),
    ("reviews:principle-list", [], 2),
    ("reviews:cycle-list", [], 3),
    ("reviews:cycle-detail", ["imrf-2022"], 15),
    ("reviews:timeline", [], 2),
    ("reviews:source-list", [], 1),
    ("reviews:source-detail", ["a-res-73-195"], 8),
    ("actors:actor-list", [], 2),
    ("actors:actor-detail", ["iom"], 13),
    ("actors:coalition-list", [], 2),
    ("actors:coalition-detail", ["global-migration-group"], 7),
]


@pytest.mark.parametrize(("name", "args", "queries"), PAGES)
def test_public_page_query_count_does_not_grow_with_data(
    client, django_assert_num_queries, name, args, queries
):
    converse(2)
    url = reverse(name, args=args)
    # Measured as the first reader after a change finds them: nothing in the statistics' cache
    # (the test's writes retire nothing, their transaction never commits).
    cache.clear()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200

    grow_reference_data()

    cache.clear()
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/objectives/0/",
        "/objectives/24/",
        "/objectives/seven/",
        "/cycles/imrf-1999/",
        "/sources/no-such-document/",
        "/actors/no-such-actor/",
        "/coalitions/no-such-coalition/",
        "/no-such-page/",
    ],
)
def test_unknown_address_is_a_404_page(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_home_shows_counts_objectives_and_latest_cycle(client):
    with time_machine.travel("2026-11-22T12:00:00Z"):
        response = client.get(reverse("home"))

    content = response.content.decode()
    assert response.context["cycle"].slug == "imrf-2026"
    assert reverse("reviews:cycle-detail", args=["imrf-2026"]) in content
    assert f"<strong>{Objective.objects.count()}</strong> objectives" in content
    assert f"<strong>{Actor.objects.accredited().count()}</strong> actors" in content
    assert reverse("reviews:objective-detail", args=[23]) in content
    assert "No submission window has been announced for this cycle yet." in content


def test_home_shows_the_deadline_while_a_cycle_is_open(client):
    with time_machine.travel("2022-01-15T12:00:00Z"):
        response = client.get(reverse("home"))

    imrf = ReviewCycle.objects.get(slug="imrf-2022")
    assert response.context["cycle"] == imrf
    assert response.context["cycle_open"] is True
    assert "Submissions close on" in response.content.decode()
    assert imrf.submissions_close.isoformat() in response.content.decode()


def test_objective_list_shows_all_titles_and_their_sources(client):
    response = client.get(reverse("reviews:objective-list"))

    content = response.content.decode()
    for objective in Objective.objects.all():
        assert objective.title in content
    assert reverse("reviews:source-detail", args=["a-res-73-195"]) in content


def test_objective_detail_shows_round_table_paragraphs_and_principles(client):
    objective = Objective.objects.get(number=8)

    response = client.get(reverse("reviews:objective-detail", args=[8]))

    content = response.content.decode()
    assert objective.title in content
    round_table = objective.round_tables.get(cycle__slug="imrf-2022")
    assert f"round table {round_table.number}" in content
    assert objective.declaration_paragraphs.exists()
    for paragraph in objective.declaration_paragraphs.all():
        assert f"§ {paragraph.number}" in content
    assert "Whole-of-society approach" in content
    assert objective.citations.get().locator in content


def test_cycle_detail_lists_round_tables_with_objectives_and_paragraphs(client):
    cycle = ReviewCycle.objects.get(slug="imrf-2022")

    response = client.get(cycle.get_absolute_url())

    content = response.content.decode()
    for round_table in cycle.round_tables.all():
        assert f'id="round-table-{round_table.number}"' in content
    for paragraph in cycle.declaration_paragraphs.all():
        assert f'id="paragraph-{paragraph.number}"' in content
        assert paragraph.summary in content
    assert reverse("reviews:objective-detail", args=[23]) in content


def test_cycle_without_confirmed_round_tables_says_so(client):
    response = client.get(reverse("reviews:cycle-detail", args=["imrf-2026"]))

    assert "have not been confirmed yet" in response.content.decode()


def test_timeline_runs_in_order_from_the_ilo_in_1919(client):
    response = client.get(reverse("reviews:timeline"))

    years = [milestone.year for milestone in response.context["milestones"]]
    assert years == sorted(years)
    assert years[0] == 1919
    assert "International Conference on Population and Development" in response.content.decode()


def test_source_detail_lists_what_the_portal_takes_from_it(client):
    response = client.get(reverse("reviews:source-detail", args=["a-res-73-195"]))

    content = response.content.decode()
    assert "Objective 1: Data" in content
    assert "People-centred" in content


def test_every_page_names_the_portals_icon_and_the_icon_is_served(client):
    html = client.get(reverse("home")).content.decode()

    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    icon = finders.find("img/favicon.svg")  # what whitenoise serves once collected
    assert icon and "<svg" in Path(icon).read_text()
