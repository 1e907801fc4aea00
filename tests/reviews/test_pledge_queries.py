"""The pledge lists: what the public list shows and filters, and their constant query counts."""

import pytest
from django.urls import reverse

from actors.models import Actor, Region
from reviews.models import GuidingPrinciple, Objective, Pledge, PledgePartner, ReviewCycle
from tests.factories import ActorFactory, PledgeFactory, bulk_pledges

pytestmark = pytest.mark.django_db

S = Pledge.Status


def objectives(*numbers):
    return list(Objective.objects.filter(number__in=numbers))


def listed(client, **params) -> set[str]:
    response = client.get(reverse("reviews:pledge-list"), params)
    assert response.status_code == 200
    assert not response.context["filter"].errors
    return {pledge.title for pledge in response.context["page"].rows}


@pytest.fixture
def catalogue(db):
    """Three published pledges that differ in every filtered attribute, one withdrawn, and one
    pledge in each non-public state that would match every filter."""
    state = ActorFactory(
        name="Ministry of Labour of Senegal",
        kind=Actor.Kind.MEMBER_STATE,
        region=Region.AFRICA,
        country="SN",
    )
    city = ActorFactory(
        name="City of Montevideo",
        kind=Actor.Kind.LOCAL_GOVERNMENT,
        region=Region.LATIN_AMERICA_CARIBBEAN,
        country="UY",
    )
    youth = ActorFactory(name="Youth Collective", kind=Actor.Kind.YOUTH, region=Region.GLOBAL)
    imrf_2022 = ReviewCycle.objects.get(slug="imrf-2022")
    principle = {n: GuidingPrinciple.objects.get(number=n) for n in (2, 5)}
    PledgeFactory(
        title="Seasonal pathways",
        summary="Contracts for farm workers.",
        lead=state,
        published=True,
        primary_objective=Objective.objects.get(number=5),
        objectives=objectives(5, 6),
        principles=[principle[2]],
        support=Pledge.Support.POLICY,
        scope=Pledge.Scope.NATIONAL,
        countries=["SN", "FR"],
        implementation_status=Pledge.ImplementationStatus.IN_PROGRESS,
    )
    PledgeFactory(
        title="City services for all",
        summary="Every resident uses the libraries.",
        lead=city,
        published=True,
        kind=Pledge.Kind.JOINT,
        primary_objective=Objective.objects.get(number=15),
        objectives=objectives(15),
        principles=[principle[5]],
        support=Pledge.Support.FINANCIAL,
        amount=10000,
        currency="UYU",
        scope=Pledge.Scope.LOCAL,
        countries=["UY"],
        cycle=imrf_2022,
    )
    PledgeFactory(
        title="Young voices",
        summary="A seat for youth in policy making.",
        lead=youth,
        published=True,
        primary_objective=Objective.objects.get(number=16),
        objectives=objectives(16, 6),
        support=Pledge.Support.PROCESS,
        implementation_status=Pledge.ImplementationStatus.COMPLETED,
    )
    PledgeFactory(
        title="Withdrawn remittances",
        summary="Cheaper remittances.",
        lead=state,
        published=True,
        status=S.WITHDRAWN,
        objectives=objectives(6, 20),
        countries=["SN"],
    )
    for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REJECTED):
        PledgeFactory(
            title=f"Hidden {status} seasonal",
            summary="Contracts for farm workers.",
            lead=state,
            status=status,
            objectives=objectives(5, 6, 15, 16),
            principles=list(principle.values()),
            countries=["SN", "UY"],
        )


EVERY_PUBLIC = {"Seasonal pathways", "City services for all", "Young voices"}
WITHDRAWN = "Withdrawn remittances"


def test_the_list_shows_published_and_withdrawn_pledges_only(client, catalogue):
    assert listed(client) == EVERY_PUBLIC | {WITHDRAWN}


def test_a_withdrawn_pledge_is_marked_withdrawn_in_the_list(client, catalogue):
    content = client.get(reverse("reviews:pledge-list")).content.decode()

    assert content.count('<span class="badge badge-withdrawn">Withdrawn</span>') == 1
    card = content[content.index(WITHDRAWN) :]
    assert card.index("badge-withdrawn") < card.index("</article>")


def test_filter_by_objective(client, catalogue):
    assert listed(client, objective=6) == {"Seasonal pathways", "Young voices", WITHDRAWN}
    assert listed(client, objective=15) == {"City services for all"}


def test_filter_by_principle(client, catalogue):
    assert listed(client, principle=2) == {"Seasonal pathways"}


def test_filter_by_kind(client, catalogue):
    assert listed(client, kind="joint") == {"City services for all"}


def test_filter_by_support(client, catalogue):
    assert listed(client, support="financial") == {"City services for all"}


def test_filter_by_actor_kind(client, catalogue):
    assert listed(client, actor_kind="member-state") == {"Seasonal pathways", WITHDRAWN}


def test_filter_by_region(client, catalogue):
    assert listed(client, region="latin-america-caribbean") == {"City services for all"}


def test_filter_by_country_of_the_pledge_or_of_its_lead(client, catalogue):
    assert listed(client, country="FR") == {"Seasonal pathways"}
    assert listed(client, country="UY") == {"City services for all"}
    assert listed(client, country="SN") == {"Seasonal pathways", WITHDRAWN}


def test_filter_by_cycle(client, catalogue):
    assert listed(client, cycle="imrf-2022") == {"City services for all"}


def test_filter_by_implementation_status(client, catalogue):
    assert listed(client, implementation_status="completed") == {"Young voices"}


def test_filter_by_freshness_leaves_out_withdrawn_and_finished_pledges(client, catalogue):
    # "Young voices" is completed: it owes no report, so it has no reporting colour.
    assert listed(client, freshness="green") == EVERY_PUBLIC - {"Young voices"}
    assert listed(client, freshness="red") == set()


def test_filter_by_words_in_title_summary_description_or_lead(client, catalogue):
    assert listed(client, q="farm") == {"Seasonal pathways"}
    # Every pledge of the catalogue has the factory's description, which has the word.
    assert listed(client, q="agricultural") == {
        "Seasonal pathways",
        "City services for all",
        "Young voices",
        "Withdrawn remittances",
    }
    assert listed(client, q="LIBRARIES") == {"City services for all"}
    assert listed(client, q="montevideo") == {"City services for all"}


def test_filters_combine(client, catalogue):
    assert listed(client, objective=6, actor_kind="youth") == {"Young voices"}


def test_an_unknown_filter_value_is_reported_and_lists_nothing(client, catalogue):
    response = client.get(reverse("reviews:pledge-list"), {"objective": 99, "kind": "nonsense"})

    assert response.status_code == 400
    assert set(response.context["filter"].errors) == {"objective", "kind"}
    assert list(response.context["page"]) == []


def test_the_list_pages_without_counting_the_table(client, actor_a):
    bulk_pledges(25, lead=actor_a, objectives=objectives(3), published=True)

    first = client.get(reverse("reviews:pledge-list"), {"objective": 3})
    after = first.context["page"].after
    second = client.get(reverse("reviews:pledge-list"), {"objective": 3, "after": after})

    assert len(first.context["page"].rows) == 20 and first.context["page"].has_next
    assert len(second.context["page"].rows) == 5 and not second.context["page"].has_next
    assert f"objective=3&amp;after={after}" in first.content.decode()
    assert not set(first.context["page"].rows) & set(second.context["page"].rows)
    assert f"objective=3&amp;before={second.context['page'].before}" in second.content.decode()


def test_a_page_number_still_pages_by_offset(client, actor_a):
    bulk_pledges(25, lead=actor_a, objectives=objectives(3), published=True)

    second = client.get(reverse("reviews:pledge-list"), {"objective": 3, "page": 2})

    assert len(second.context["page"].rows) == 5 and second.context["page"].number == 2
    assert "objective=3&amp;page=1" in second.content.decode()


# Query counts: the same at 10 and 100 rows. The anonymous list: the page of pledges, their
# objectives, the bounded count, and the filter form's objective, principle, coalition and cycle
# choices.
# Signed-in pages start with the session and the user with their roles, unread-notification
# count and memberships (one query: actors.permissions.with_roles). The moderation page then reads
# its flagged comments, flagged updates, flagged questions, flagged answers, the submitted
# pledges, their partnerships and the proposed organisations; "My pledges" the pledges of the
# person's organisations and the partnerships they are asked to confirm.

# And whether a reporting round is open, for the cards' colours (reviews.models.freshness).
LIST_QUERIES = 8
QUEUE_QUERIES = 9
MINE_QUERIES = 4


@pytest.mark.parametrize("rows", [10, 100])
def test_the_public_list_costs_the_same_queries_at_10_and_100_rows(
    client, django_assert_num_queries, actor_a, rows
):
    bulk_pledges(rows, lead=actor_a, objectives=objectives(1, 2, 3), published=True)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("reviews:pledge-list"))

    assert len(response.context["page"].rows) == min(rows, 20)


@pytest.mark.parametrize("rows", [10, 100])
def test_the_moderation_queue_costs_the_same_queries_at_10_and_100_rows(
    client, django_assert_num_queries, moderator, actor_a, actor_b, rows
):
    bulk_pledges(
        rows,
        lead=actor_a,
        objectives=objectives(4),
        partners=[actor_b],
        partner_status=PledgePartner.Status.PENDING,
        submitted=True,
        kind=Pledge.Kind.JOINT,
    )
    client.force_login(moderator)

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("reviews:moderation"))

    assert len(response.context["queue"]) == rows
    assert response.content.decode().count("Organisation B (awaiting confirmation)") == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_my_pledges_costs_the_same_queries_at_10_and_100_rows(
    client, django_assert_num_queries, focal_a, actor_a, actor_b, rows
):
    for status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED):
        bulk_pledges(rows // 5, lead=actor_a, objectives=objectives(9), status=status)
    bulk_pledges(rows // 5, lead=actor_b, objectives=objectives(9), partners=[actor_a])
    PledgePartner.objects.filter(actor=actor_a).update(status=PledgePartner.Status.PENDING)
    client.force_login(focal_a)

    with django_assert_num_queries(MINE_QUERIES):
        response = client.get(reverse("reviews:pledge-mine"))

    assert sum(len(pledges) for _, _, pledges in response.context["sections"]) == rows // 5 * 4
    assert len(response.context["partnerships"]) == rows // 5
