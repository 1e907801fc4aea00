import pytest
from django.urls import reverse

from actors.models import Actor, Coalition, CoalitionMembership
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def test_directory_lists_actors_with_kind(client):
    response = client.get(reverse("actors:actor-list"))

    content = response.content.decode()
    assert response.status_code == 200
    iom = Actor.objects.get(slug="iom")
    assert iom.name in content
    assert iom.get_absolute_url() in content
    assert f"{Actor.objects.count()} actors" in content


def test_directory_filters_by_kind_region_and_country(client):
    wanted = ActorFactory(
        name="Ciudad de Prueba",
        kind=Actor.Kind.LOCAL_GOVERNMENT,
        region="latin-america-caribbean",
        country="MX",
    )
    ActorFactory(name="Other city", kind=Actor.Kind.LOCAL_GOVERNMENT, region="africa", country="GH")
    ActorFactory(name="Other NGO", kind=Actor.Kind.CIVIL_SOCIETY, region="latin-america-caribbean")

    response = client.get(
        reverse("actors:actor-list"),
        {"kind": "local-government", "region": "latin-america-caribbean", "country": "MX"},
    )

    assert list(response.context["page"]) == [wanted]


def test_directory_searches_name_and_acronym(client):
    by_name = client.get(reverse("actors:actor-list"), {"q": "organization for migration"})
    by_acronym = client.get(reverse("actors:actor-list"), {"q": "IOM"})

    assert Actor.objects.get(slug="iom") in list(by_name.context["page"])
    assert Actor.objects.get(slug="iom") in list(by_acronym.context["page"])


def test_directory_explains_an_invalid_filter_instead_of_failing(client):
    response = client.get(reverse("actors:actor-list"), {"kind": "pirates", "page": "x"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["page"].number == 1


def test_directory_pages_keep_the_filters(client):
    ActorFactory.create_batch(60, kind=Actor.Kind.ACADEMIA)

    response = client.get(reverse("actors:actor-list"), {"kind": "academia", "page": 2})

    assert response.context["page"].number == 2
    assert len(response.context["page"]) == 10
    assert "kind=academia&amp;page=1" in response.content.decode()


def test_actor_profile_shows_coalitions_with_role_and_year(client):
    membership = (
        CoalitionMembership.objects.filter(
            coalition__slug="global-migration-group", joined_year__isnull=False
        )
        .select_related("actor")
        .first()
    )

    response = client.get(membership.actor.get_absolute_url())

    content = response.content.decode()
    assert membership.coalition.name in content
    assert f"since {membership.joined_year}" in content
    assert membership.actor.citations.first().source.title in content


def test_coalition_page_lists_dated_members(client):
    gmg = Coalition.objects.get(slug="global-migration-group")

    response = client.get(gmg.get_absolute_url())

    content = response.content.decode()
    for membership in gmg.memberships.select_related("actor"):
        assert membership.actor.get_absolute_url() in content
        assert f"<td>{membership.joined_year}</td>" in content


def test_demo_actor_is_marked_as_demo(client):
    actor = ActorFactory(is_demo=True)

    response = client.get(actor.get_absolute_url())

    assert "demonstration data" in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("name", lambda a: (a.name, a.pk)),
        ("kind", lambda a: (a.kind, a.name, a.pk)),
        ("country", lambda a: (a.country.code, a.name, a.pk)),
    ],
)
def test_the_directory_reads_in_the_chosen_order(client, sort, key):
    ActorFactory(name="Zeta", kind=Actor.Kind.ACADEMIA, country="AR")
    ActorFactory(name="Alpha", kind=Actor.Kind.YOUTH, country="ZA")

    response = client.get(reverse("actors:actor-list"), {"sort": sort})

    shown = list(response.context["page"].rows)
    assert response.status_code == 200 and shown
    assert shown == sorted(shown, key=key)


def test_an_unknown_order_is_explained_as_the_other_filters_are(client):
    response = client.get(reverse("actors:actor-list"), {"sort": "mood"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
