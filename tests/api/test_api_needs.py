"""/api/v1/needs/: the public needs with the board's filters, a need with its offers and
matching pledges, and publishing, editing, offering, marking met, closing and hiding by the web
site's predicates, with the portal's JSON errors."""

import pytest
from django.utils import timezone

from reviews import services
from reviews.models import Need, Objective, Offer, Pledge
from tests.api.conftest import assert_json_error, ids
from tests.factories import ActorFactory, NeedFactory, OfferFactory, PledgeFactory
from tests.matrix import make_table

pytestmark = pytest.mark.django_db

LIST = "/api/v1/needs/"
PERSONAS = [
    "anonymous",
    "verified_user",
    "contributor_a",
    "focal_a",
    "focal_b",
    "moderator",
    "moderator_without_mfa",
]
table = make_table(PERSONAS)

CREATE = table(
    anonymous=401,
    verified_user=404,
    contributor_a=201,
    focal_a=201,
    focal_b=404,
    moderator=404,
    moderator_without_mfa=404,
)
MANAGE = table(
    anonymous=401,
    verified_user=403,
    contributor_a=200,
    focal_a=200,
    focal_b=403,
    moderator=403,
    moderator_without_mfa=403,
)
OFFER = table(
    anonymous=401,
    verified_user=403,
    contributor_a=403,
    focal_a=403,
    focal_b=201,
    moderator=403,
    moderator_without_mfa=403,
)
HIDE = table(
    anonymous=401,
    verified_user=404,
    contributor_a=404,
    focal_a=404,
    focal_b=404,
    moderator=200,
    moderator_without_mfa=403,
)


@pytest.fixture
def need(actor_a):
    return NeedFactory(actor=actor_a, title="Trainers for labour inspectors")


def _body(**overrides):
    return {
        "title": "Interpreters",
        "description": "Interpreters in three languages.",
        "objectives": [7],
        "support": ["technical"],
        "countries": ["sn"],
        **overrides,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_publish_a_need(api_as, actor_a, persona):
    response = api_as(persona).post(LIST, _body(actor=actor_a.pk), format="json")
    assert response.status_code == CREATE[persona], response.content
    if response.status_code == 201:
        body = response.json()
        assert body["support"] == ["technical"]
        assert body["countries"] == ["SN"]
        assert body["objectives"] == [7]
        assert body["status"] == "open"
    assert Need.objects.exists() == (response.status_code == 201)


def test_a_need_without_objectives_or_support_is_a_400(api_as, actor_a):
    response = api_as("focal_a").post(
        LIST, _body(actor=actor_a.pk, objectives=[], support=[]), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"objectives", "support"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_edit(api_as, need, persona):
    response = api_as(persona).patch(f"{LIST}{need.pk}/", {"title": "New"}, format="json")
    assert response.status_code == MANAGE[persona], response.content
    need.refresh_from_db()
    assert (need.title == "New") == (response.status_code == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_offer(api_as, need, actor_a, actor_b, persona):
    actor = actor_b if persona == "focal_b" else actor_a
    response = api_as(persona).post(
        f"{LIST}{need.pk}/offers/", {"actor": actor.pk, "body": "Trainers."}, format="json"
    )
    assert response.status_code == OFFER[persona], response.content
    assert Offer.objects.exists() == (response.status_code == 201)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_mark_met(api_as, need, persona):
    response = api_as(persona).post(f"{LIST}{need.pk}/met/")
    assert response.status_code == MANAGE[persona], response.content
    need.refresh_from_db()
    assert (need.status == Need.Status.MET) == (response.status_code == 200)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_close(api_as, need, persona):
    response = api_as(persona).post(f"{LIST}{need.pk}/close/")
    assert response.status_code == MANAGE[persona], response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_hide(api_as, need, persona):
    response = api_as(persona).post(f"{LIST}{need.pk}/hide/", {"reason": "Spam."}, format="json")
    assert response.status_code == HIDE[persona], response.content
    need.refresh_from_db()
    assert need.is_hidden == (response.status_code == 200)


def test_marking_a_met_need_met_again_is_a_409(api_as, need, focal_a):
    services.need_mark_met(need=need, by=focal_a)
    assert_json_error(api_as("focal_a").post(f"{LIST}{need.pk}/met/"), 409)


def test_an_unknown_need_is_a_json_404(api_as):
    assert_json_error(api_as("anonymous").get(f"{LIST}999999/"), 404)
    assert_json_error(api_as("focal_b").post(f"{LIST}999999/offers/", {}, format="json"), 404)


def test_the_list_is_public_needs_with_the_board_filters(api_as, need, actor_b):
    met = NeedFactory(actor=actor_b, status=Need.Status.MET, met_at=timezone.now())
    closed = NeedFactory(status=Need.Status.CLOSED)
    hidden = NeedFactory(is_hidden=True)
    other = NeedFactory(support="policy", objectives=[Objective.objects.get(number=5)])
    client = api_as("anonymous")
    assert ids(client.get(LIST)) == {need.pk, met.pk, other.pk}
    assert closed.pk not in ids(client.get(LIST)) and hidden.pk not in ids(client.get(LIST))
    assert ids(client.get(LIST, {"status": "met"})) == {met.pk}
    assert ids(client.get(LIST, {"support": "policy"})) == {other.pk}
    assert ids(client.get(LIST, {"objective": 5})) == {other.pk}
    assert ids(client.get(LIST, {"q": "trainers"})) == {need.pk}
    assert_json_error(client.get(LIST, {"status": "closed"}), 400)


def test_a_need_shows_its_offers_and_public_matching_pledges(api_as, need, actor_b):
    OfferFactory(need=need, actor=actor_b, body="Two trainers.")
    OfferFactory(need=need, actor=actor_b, body="Gone", withdrawn_at=timezone.now())
    shown = PledgeFactory(
        published=True, lead=actor_b, kind=Pledge.Kind.MATCHING, answers_need=need
    )
    PledgeFactory(lead=actor_b, kind=Pledge.Kind.MATCHING, answers_need=need)  # a draft
    body = api_as("anonymous").get(f"{LIST}{need.pk}/").json()
    assert [offer["body"] for offer in body["offers"]] == ["Two trainers."]
    assert [pledge["id"] for pledge in body["matching_pledges"]] == [shown.pk]


def test_a_hidden_need_is_a_404_for_the_public(api_as, need, moderator):
    services.need_hide(need=need, moderator=moderator, reason="Spam.")
    assert_json_error(api_as("anonymous").get(f"{LIST}{need.pk}/"), 404)
    assert api_as("moderator").get(f"{LIST}{need.pk}/").status_code == 200


def test_a_matching_pledge_is_drafted_against_a_need(api_as, need, actor_b):
    response = api_as("focal_b").post(
        "/api/v1/pledges/",
        {"lead": actor_b.pk, "title": "Answer", "kind": "matching", "answers_need": need.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Pledge.objects.get(title="Answer").answers_need == need


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_costs_the_same_queries_at_any_size(
    api_as, django_assert_num_queries, actor_a, count
):
    other = ActorFactory()
    for _ in range(count):
        OfferFactory(need=NeedFactory(actor=actor_a), actor=other)
    client = api_as("anonymous")
    with django_assert_num_queries(2):  # the page with its organisations, their objectives
        assert client.get(LIST).status_code == 200
