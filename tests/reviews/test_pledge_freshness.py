"""How fresh a published pledge's reporting is (green, amber, red), progress updates, demo data.

One definition (reviews.models.freshness) serves the SQL annotation, the filter and the pledge's own
`freshness_at()`; each test below asks all three. A published pledge that never reported is red;
no other status has a freshness.
"""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from reviews import services
from reviews.models import Pledge, PledgePartner, ProgressUpdate
from reviews.models.freshness import Freshness
from tests.factories import PledgeFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

REPORTED = dt.datetime(2024, 3, 15, 12, 0, tzinfo=dt.UTC)
YEAR_ON = dt.datetime(2025, 3, 15, 12, 0, tzinfo=dt.UTC)
TWO_YEARS_ON = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
EDGES = [
    ("just-published", REPORTED, Freshness.GREEN),
    ("just-under-12-months", YEAR_ON - MINUTE, Freshness.GREEN),
    ("at-12-months", YEAR_ON, Freshness.GREEN),
    ("just-over-12-months", YEAR_ON + MINUTE, Freshness.AMBER),
    ("just-under-24-months", TWO_YEARS_ON - MINUTE, Freshness.AMBER),
    ("at-24-months", TWO_YEARS_ON, Freshness.RED),
    ("over-24-months", TWO_YEARS_ON + MINUTE, Freshness.RED),
    ("years-later", dt.datetime(2029, 1, 1, tzinfo=dt.UTC), Freshness.RED),
]


@pytest.fixture
def reported_pledge(actor_a):
    return PledgeFactory(
        lead=actor_a, published=True, published_at=REPORTED, last_reported_at=REPORTED
    )


def colours_of(pledge) -> tuple:
    """The pledge's colour three ways: in Python, annotated in SQL, and by the colour filters."""
    annotated = Pledge.objects.with_freshness().get(pk=pledge.pk).freshness
    filtered = [c for c in Freshness.values if Pledge.objects.freshness(c).filter(pk=pledge.pk)]
    return pledge.freshness_at(), annotated, filtered


@pytest.mark.parametrize(("when", "colour"), [e[1:] for e in EDGES], ids=[e[0] for e in EDGES])
def test_freshness_turns_amber_after_12_months_and_red_at_24(reported_pledge, when, colour):
    with time_machine.travel(when, tick=False):
        on_the_pledge, annotated, filtered = colours_of(reported_pledge)

    assert on_the_pledge == colour
    assert annotated == colour
    assert filtered == [colour]


@pytest.mark.parametrize("when", [REPORTED, YEAR_ON, TWO_YEARS_ON], ids=["now", "1y", "2y"])
def test_a_published_pledge_that_never_reported_is_red_everywhere(client, actor_a, when):
    pledge = PledgeFactory(lead=actor_a, published=True, last_reported_at=None)

    with time_machine.travel(when, tick=False):
        on_the_pledge, annotated, filtered = colours_of(pledge)
        listed = client.get(reverse("reviews:pledge-list"), {"freshness": "red"})
        api = client.get(reverse("api:pledge-detail", args=[pledge.pk])).json()
        stats = client.get(reverse("api:stats-freshness")).json()["results"]

    assert (on_the_pledge, annotated, filtered) == (Freshness.RED, "red", ["red"])
    assert [(card.pk, card.freshness) for card in listed.context["page"].rows] == [
        (pledge.pk, "red")
    ]
    assert Freshness.RED.label in listed.content.decode()
    assert api["freshness"] == "red"
    assert stats == [{"freshness": "red", "count": 1}]


@pytest.mark.parametrize(("when", "colour"), [e[1:] for e in EDGES], ids=[e[0] for e in EDGES])
def test_the_list_filters_and_labels_by_freshness_at_the_edges(
    client, reported_pledge, when, colour
):
    with time_machine.travel(when, tick=False):
        pages = {
            c: client.get(reverse("reviews:pledge-list"), {"freshness": c})
            for c in Freshness.values
        }

    for shown, response in pages.items():
        rows = [(card.pk, card.freshness) for card in response.context["page"].rows]
        assert rows == ([(reported_pledge.pk, colour)] if shown == colour else [])
    assert f'<span class="badge badge-{colour}">{colour.label}</span>' in (
        pages[colour].content.decode()
    )


@pytest.mark.parametrize("reported", [REPORTED, None], ids=["reported", "never-reported"])
@pytest.mark.parametrize("status", ["draft", "submitted", "withdrawn", "returned", "rejected"])
def test_only_published_pledges_have_a_freshness(client, actor_a, status, reported):
    pledge = PledgeFactory(
        lead=actor_a, status=status, published_at=REPORTED, last_reported_at=reported
    )

    with time_machine.travel(REPORTED, tick=False):
        colours = colours_of(pledge)
        listed = {
            c: client.get(reverse("reviews:pledge-list"), {"freshness": c}).context["page"]
            for c in Freshness.values
        }

    assert colours == (None, None, [])
    assert all(page.rows == [] for page in listed.values())


def test_a_progress_update_makes_a_red_pledge_green_and_moves_its_stage(
    client, contributor_a, reported_pledge, actor_a
):
    with time_machine.travel(dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(contributor_a)
        assert reported_pledge.freshness_at() == Freshness.RED
        response = client.post(
            reverse("reviews:pledge-progress", args=[reported_pledge.pk]),
            {
                "actor": actor_a.pk,
                "date": "2027-05-30",
                "stage": "in-progress",
                "narrative": "300 of the 400 workers have contracts.",
            },
        )
        reported_pledge.refresh_from_db()
        colour = reported_pledge.freshness_at()

    assert response["Location"] == reported_pledge.get_absolute_url()
    assert colour == Freshness.GREEN
    assert reported_pledge.implementation_status == Pledge.ImplementationStatus.IN_PROGRESS
    assert reported_pledge.last_reported_at == dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC)
    update = ProgressUpdate.objects.get()
    assert (update.author, update.actor, update.date) == (
        contributor_a,
        actor_a,
        dt.date(2027, 5, 30),
    )


def test_a_confirmed_partner_reports_on_behalf_of_its_own_organisation(
    focal_b, actor_b, reported_pledge
):
    PledgePartner.objects.create(
        pledge=reported_pledge, actor=actor_b, status=PledgePartner.Status.CONFIRMED
    )

    services.progress_update_create(
        pledge=reported_pledge,
        by=focal_b,
        actor=actor_b,
        date=dt.date(2025, 1, 1),
        stage="in-progress",
        narrative="Our part is under way.",
    )

    reported_pledge.refresh_from_db()
    assert reported_pledge.implementation_status == "in-progress"
    assert reported_pledge.progress_updates.get().actor == actor_b


@pytest.mark.parametrize("status", ["draft", "submitted", "withdrawn", "rejected"])
def test_progress_is_reported_on_published_pledges_only(contributor_a, actor_a, status):
    pledge = PledgeFactory(lead=actor_a, status=status)

    with pytest.raises(services.TransitionNotAllowed):
        services.progress_update_create(
            pledge=pledge,
            by=contributor_a,
            actor=actor_a,
            date=dt.date(2025, 1, 1),
            stage="completed",
            narrative="Done.",
        )

    assert not ProgressUpdate.objects.exists()


def test_updates_show_newest_first(client, reported_pledge):
    for day, text in [(3, "Third report."), (1, "First report."), (2, "Second report.")]:
        ProgressUpdateFactory(pledge=reported_pledge, date=dt.date(2025, 1, day), narrative=text)

    response = client.get(reported_pledge.get_absolute_url())

    updates = [u.narrative for u in response.context["updates"]]
    assert updates == ["Third report.", "Second report.", "First report."]
    content = response.content.decode()
    assert content.index("Third report.") < content.index("Second report.")
    assert content.index("Second report.") < content.index("First report.")


def test_the_pledge_page_shows_its_freshness_and_the_next_review(client, reported_pledge):
    with time_machine.travel(dt.datetime(2025, 6, 1, tzinfo=dt.UTC), tick=False):
        response = client.get(reported_pledge.get_absolute_url())

    content = response.content.decode()
    assert response.context["freshness"] == Freshness.AMBER
    assert f"<strong>{Freshness.AMBER.label}</strong>" in content
    assert "last report 15 March 2024" in content
    assert response.context["next_cycle"].slug == "imrf-2026"


# Demo data: every state and every freshness colour.


def test_seed_demo_creates_pledges_in_every_state_and_of_every_freshness(settings):
    settings.DEBUG = True

    call_command("seed_demo", pledges=12, verbosity=0)

    demo = Pledge.objects.filter(lead__is_demo=True)
    assert demo.count() == 12
    assert set(demo.values_list("status", flat=True)) == set(Pledge.Status.values)
    published = demo.filter(status=Pledge.Status.PUBLISHED)
    ongoing = published.filter(implementation_status__in=["planned", "in-progress"])
    assert {p.freshness_at() for p in ongoing} == set(Freshness.values)
    assert {p.freshness_at() for p in published.exclude(pk__in=ongoing)} <= {None}
    assert {c: published.freshness(c).exists() for c in Freshness.values} == dict.fromkeys(
        Freshness.values, True
    )
    assert PledgePartner.objects.filter(pledge__in=demo).exists()
    assert ProgressUpdate.objects.filter(pledge__in=published).count() == published.count()
    for pledge in demo.exclude(status=Pledge.Status.DRAFT):
        assert pledge.transitions.last().to_status == pledge.status
        assert pledge.objectives.filter(pk=pledge.primary_objective_id).exists()
    for pledge in published:
        assert pledge.submission_errors() == {}, pledge
        assert set(pledge.partnerships.values_list("status", flat=True)) <= {"confirmed"}


@pytest.mark.parametrize("stage", ["completed", "discontinued"])
def test_a_pledge_that_is_over_owes_no_report_and_has_no_colour(stage, time_machine):
    time_machine.move_to(dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    pledge = PledgeFactory(published=True, implementation_status=stage)
    Pledge.objects.filter(pk=pledge.pk).update(
        last_reported_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    pledge.refresh_from_db()

    assert pledge.freshness_at() is None
    assert Pledge.objects.with_freshness().get(pk=pledge.pk).freshness is None
    assert not any(Pledge.objects.freshness(colour).exists() for colour in Freshness.values)
