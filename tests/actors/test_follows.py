"""Following a pledge, an objective, an organisation or a saved search: who may, what can be
followed, the buttons on the pages, and the list of what one follows (delivery of the new items:
tests/reviews/test_follow_delivery.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors import services
from actors.models import Actor, Follow
from actors.models.notifications import Kind
from tests.conftest import PERSONAS
from tests.factories import ActorFactory, PledgeFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

FOLLOW = reverse("actors:follow")
FOLLOWING = reverse("actors:following")
OBJECTIVE = reverse("reviews:objective-detail", args=[7])


def follow_table_queries(queries) -> int:
    return sum('"actors_follow"' in query["sql"] for query in queries)


@pytest.fixture
def pledge(actor_a):
    return PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")


# Who may follow -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_signed_in_may_follow_and_a_visitor_is_asked_to_sign_in(client, as_persona, persona):
    user = as_persona(persona)

    response = client.post(FOLLOW, {"kind": "objective", "key": "7", "next": OBJECTIVE})

    assert response.status_code == 302
    if user is None:
        assert response["Location"].startswith(reverse("account_login"))
        assert response["Location"].endswith(f"?next={OBJECTIVE}")
        assert not Follow.objects.exists()
    else:
        assert response["Location"] == OBJECTIVE
        follow = Follow.objects.get()
        assert (follow.user, follow.kind, follow.key) == (user, "objective", "7")
        assert follow.label.startswith("Objective 7: ")


@pytest.mark.parametrize(
    "what",
    [
        "draft pledge",
        "submitted pledge",
        "rejected pledge",
        "proposed organisation",
        "declined organisation",
        "no such organisation",
        "no such objective",
        "no such pledge",
        "invalid search",
        "unknown filter only",
        "search without filters",
        "unknown kind",
        "hostile pledge id",
        "hostile search",
    ],
)
def test_what_is_not_public_or_not_valid_cannot_be_followed(client, verified_user, actor_a, what):
    draft = PledgeFactory(lead=actor_a)
    target = {
        "draft pledge": ("pledge", draft.pk),
        "submitted pledge": ("pledge", PledgeFactory(lead=actor_a, submitted=True).pk),
        "rejected pledge": ("pledge", PledgeFactory(lead=actor_a, status="rejected").pk),
        "proposed organisation": ("actor", ActorFactory(status=Actor.Status.PROPOSED).slug),
        "declined organisation": ("actor", ActorFactory(status=Actor.Status.DECLINED).slug),
        "no such organisation": ("actor", "no-such-organisation"),
        "no such objective": ("objective", "24"),
        "no such pledge": ("pledge", draft.pk + 1000),
        "invalid search": ("search", "objective=99&kind=nonsense"),
        "unknown filter only": ("search", "colour=blue&page=2"),
        "search without filters": ("search", "sort=title&objective="),
        "unknown kind": ("comment", "1"),
        "hostile pledge id": ("pledge", "9" * 400),
        "hostile search": ("search", "q=" + "\x00"),
    }[what]
    client.force_login(verified_user)

    response = client.post(FOLLOW, {"kind": target[0], "key": target[1]})

    assert response.status_code == 400
    assert "This cannot be followed" in response.content.decode()
    assert not Follow.objects.exists()


@pytest.mark.parametrize("kind", ["actor", "pledge", "objective", "search"])
def test_a_key_with_a_nul_is_refused_before_the_database(verified_user, kind):
    with pytest.raises(services.ValidationError):
        services.follow_create(user=verified_user, kind=kind, key="organisation-a\x00")


def test_a_bad_search_says_which_filter_is_wrong(client, verified_user):
    client.force_login(verified_user)

    response = client.post(FOLLOW, {"kind": "search", "key": "objective=99"})

    content = response.content.decode()
    assert response.status_code == 400
    assert "Some filter parameters are not valid." in content
    assert "Objective: " in content


def test_following_again_or_at_once_keeps_one_follow(client, verified_user):
    client.force_login(verified_user)

    for _ in range(2):
        client.post(FOLLOW, {"kind": "objective", "key": "07"})

    assert Follow.objects.get().key == "7"


def test_two_spellings_of_one_search_are_one_follow_named_in_words(verified_user):
    first = services.follow_create(
        user=verified_user, kind="search", key="kind=joint&objective=3&sort=title&page=2&q="
    )
    second = services.follow_create(
        user=verified_user, kind="search", key="objective=3&kind=joint&region=&after=x"
    )

    assert first == second
    assert first.key == "kind=joint&objective=3"
    assert first.label == (
        "Kind of pledge: Joint (with partner organisations); "
        "Objective: Objective 3: Information provision"
    )
    assert Follow.objects.count() == 1


def test_a_withdrawn_pledge_stays_followable_and_an_organisation_by_its_slug(
    verified_user, actor_a
):
    withdrawn = PledgeFactory(lead=actor_a, published=True, status="withdrawn")

    services.follow_create(user=verified_user, kind="pledge", key=str(withdrawn.pk))
    services.follow_create(user=verified_user, kind="actor", key=actor_a.slug)

    assert sorted(Follow.objects.values_list("kind", "label")) == [
        ("actor", "Organisation A"),
        ("pledge", withdrawn.title),
    ]


def test_one_person_follows_a_bounded_number_of_things(verified_user, monkeypatch):
    monkeypatch.setattr(services, "MAX_FOLLOWS", 2)
    for number in (1, 2):
        services.follow_create(user=verified_user, kind="objective", key=str(number))

    with pytest.raises(services.ValidationError):
        services.follow_create(user=verified_user, kind="objective", key="3")
    assert Follow.objects.count() == 2


def test_the_next_page_must_be_the_sites_own(client, verified_user):
    client.force_login(verified_user)

    response = client.post(
        FOLLOW, {"kind": "objective", "key": "7", "next": "https://evil.example/"}
    )

    assert response["Location"] == OBJECTIVE


# Unfollowing ---------------------------------------------------------------------------------


def test_one_unfollows_ones_own_follow(client, verified_user):
    follow = services.follow_create(user=verified_user, kind="objective", key="7")
    client.force_login(verified_user)

    response = client.post(reverse("actors:unfollow", args=[follow.pk]), {"next": OBJECTIVE})

    assert response["Location"] == OBJECTIVE
    assert not Follow.objects.exists()


def test_another_persons_follow_is_a_404_and_stays(client, verified_user, focal_b):
    theirs = services.follow_create(user=focal_b, kind="objective", key="7")
    client.force_login(verified_user)

    response = client.post(reverse("actors:unfollow", args=[theirs.pk]))

    assert response.status_code == 404
    assert Follow.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("pk", [999999, 2**63, 10**30])
def test_a_follow_that_cannot_exist_is_a_404(client, verified_user, pk):
    client.force_login(verified_user)

    assert client.post(reverse("actors:unfollow", args=[pk])).status_code == 404


def test_a_visitor_is_asked_to_sign_in_to_unfollow(client, verified_user):
    follow = services.follow_create(user=verified_user, kind="objective", key="7")

    response = client.post(reverse("actors:unfollow", args=[follow.pk]))

    assert response["Location"].startswith(reverse("account_login"))
    assert Follow.objects.exists()


def test_deleting_ones_account_forgets_what_one_followed(verified_user):
    services.follow_create(user=verified_user, kind="objective", key="7")

    services.user_delete(user=verified_user)

    assert not Follow.objects.exists()


# The page of what one follows ----------------------------------------------------------------


def test_the_following_page_lists_each_follow_with_an_unfollow_button(
    client, verified_user, pledge, actor_a
):
    for kind, key in [
        ("pledge", pledge.pk),
        ("objective", 7),
        ("actor", actor_a.slug),
        ("search", "objective=3"),
    ]:
        services.follow_create(user=verified_user, kind=kind, key=str(key))
    client.force_login(verified_user)

    content = client.get(FOLLOWING).content.decode()

    assert f'href="{pledge.get_absolute_url()}">Seasonal pathways</a>' in content
    assert f'href="{OBJECTIVE}"' in content
    assert f'href="{actor_a.get_absolute_url()}">Organisation A</a>' in content
    assert f'href="{reverse("reviews:pledge-list")}?objective=3"' in content
    for follow in Follow.objects.all():
        assert f'action="{reverse("actors:unfollow", args=[follow.pk])}"' in content
    assert f'href="{FOLLOWING}" aria-current="page"' in content  # in the account's menu


def test_the_following_page_needs_a_sign_in(client):
    response = client.get(FOLLOWING)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("count", [1, 5])
def test_the_following_page_costs_the_same_queries_with_1_and_5_follows(
    client, verified_user, django_assert_num_queries, count
):
    for number in range(1, count + 1):
        services.follow_create(user=verified_user, kind="objective", key=str(number))
    client.force_login(verified_user)

    # The session, the person with their roles, their follows.
    with django_assert_num_queries(3):
        response = client.get(FOLLOWING)

    assert len(response.context["rows"]) == count


def test_the_settings_page_offers_the_followed_kind(client, verified_user):
    client.force_login(verified_user)

    content = client.get(reverse("actors:notification-settings")).content.decode()

    assert f'name="{Kind.FOLLOWED}"' in content
    assert "New pledges and progress on what I follow" in content


# The buttons ---------------------------------------------------------------------------------


def test_a_visitor_sees_sign_in_to_follow_and_the_button_reads_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        content = client.get(OBJECTIVE).content.decode()

    assert "Sign in to follow" in content
    assert f'href="{reverse("account_login")}?next={OBJECTIVE}"' in content
    assert f'action="{FOLLOW}"' not in content
    assert follow_table_queries(queries) == 0


def test_a_signed_in_person_gets_the_button_for_one_query(client, verified_user):
    client.force_login(verified_user)

    with CaptureQueriesContext(connection) as queries:
        content = client.get(OBJECTIVE).content.decode()

    assert f'action="{FOLLOW}"' in content
    assert '<input type="hidden" name="kind" value="objective">' in content
    assert '<input type="hidden" name="key" value="7">' in content
    assert follow_table_queries(queries) == 1


def test_once_followed_the_page_says_following_and_offers_to_unfollow(client, verified_user):
    follow = services.follow_create(user=verified_user, kind="objective", key="7")
    client.force_login(verified_user)

    content = client.get(OBJECTIVE).content.decode()

    assert "Following" in content
    assert f'action="{reverse("actors:unfollow", args=[follow.pk])}"' in content
    assert f'action="{FOLLOW}"' not in content


def test_a_public_pledge_and_an_accredited_organisation_have_the_button(
    client, verified_user, pledge, actor_a
):
    client.force_login(verified_user)

    for url, key in [
        (pledge.get_absolute_url(), str(pledge.pk)),
        (actor_a.get_absolute_url(), actor_a.slug),
    ]:
        content = client.get(url).content.decode()
        assert f'<input type="hidden" name="key" value="{key}">' in content, url


def test_a_draft_has_no_follow_button_even_for_its_organisation(client, contributor_a, actor_a):
    draft = PledgeFactory(lead=actor_a)
    client.force_login(contributor_a)

    content = client.get(draft.get_absolute_url()).content.decode()

    assert f'action="{FOLLOW}"' not in content
    assert "Sign in to follow" not in content


def test_the_pledge_list_offers_to_follow_a_valid_search_only(client, verified_user):
    client.force_login(verified_user)
    pledges = reverse("reviews:pledge-list")

    filtered = client.get(pledges, {"objective": 3, "sort": "title"}).content.decode()
    unfiltered = client.get(pledges).content.decode()
    sorted_only = client.get(pledges, {"sort": "title"}).content.decode()
    invalid = client.get(pledges, {"objective": 99}).content.decode()

    assert "Follow this search" in filtered
    assert '<input type="hidden" name="key" value="objective=3">' in filtered
    for content in (unfiltered, sorted_only, invalid):
        assert "Follow this search" not in content


def test_following_a_search_from_the_list_comes_back_to_it(client, verified_user):
    client.force_login(verified_user)
    back = reverse("reviews:pledge-list") + "?objective=3&sort=title"

    response = client.post(FOLLOW, {"kind": "search", "key": "objective=3", "next": back})

    assert response["Location"] == back
    assert "Following" in client.get(back).content.decode()


def test_a_person_sees_only_their_own_follows_on_the_buttons(client, verified_user):
    services.follow_create(user=VerifiedUserFactory(), kind="objective", key="7")
    client.force_login(verified_user)

    content = client.get(OBJECTIVE).content.decode()

    assert f'action="{FOLLOW}"' in content
    assert "unfollow" not in content
