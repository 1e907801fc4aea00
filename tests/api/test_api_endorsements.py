"""/api/v1/endorsements/: the standing endorsements of public pledges for anyone to read, and
endorsing and withdrawing by the web site's predicates (every API persona × a draft, a published
and a withdrawn pledge), with the portal's JSON errors; and `endorsements` on pledge objects.

In the API's world (tests/api/conftest.py) A leads the pledges and names C as partner: B is the
third organisation, whose focal point and contributor may endorse."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Membership
from reviews.models import Endorsement, Pledge
from reviews.models.freshness import round_opened
from tests.api.conftest import API_PERSONAS, assert_json_error, ids, token_client
from tests.factories import (
    ActorFactory,
    EndorsementFactory,
    MembershipFactory,
    PledgeFactory,
    VerifiedUserFactory,
    bulk_pledges,
)
from tests.matrix import assert_cell, denials, make_table

pytestmark = pytest.mark.django_db

LIST = "/api/v1/endorsements/"
ALL = [*API_PERSONAS, "contributor_b"]
table = make_table(ALL)


def _refused_but(allowed: int, refused: int = 403, **others) -> dict:
    """B's members get `allowed`; anonymous a 401; everyone else `refused` unless named."""
    outcomes = dict.fromkeys(ALL, refused)
    outcomes.update(anonymous=401, focal_b=allowed, contributor_b=allowed, **others)
    return table(**outcomes)


ENDORSE = {
    "published": _refused_but(201),
    # A's, C's and the moderators' (with MFA) to see; a 404 for everyone else.
    "draft": _refused_but(
        404,
        verified_user=404,
        moderator_without_mfa=404,
        administrator_without_mfa=404,
    ),
    "withdrawn": _refused_but(409),
}
WITHDRAW = _refused_but(204)
WITHDRAW_AGAIN = _refused_but(409)


@pytest.fixture
def contributor_b(actor_b):
    user = VerifiedUserFactory(display_name="Ben Contributor")
    MembershipFactory(user=user, actor=actor_b, role=Membership.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def client_as(request, api_as):
    def sign_in(persona: str) -> APIClient:
        if persona == "contributor_b":
            return token_client(request.getfixturevalue(persona))
        return api_as(persona)

    return sign_in


@pytest.fixture
def withdrawn(actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, title="A's withdrawn pledge")
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
    return pledge


def state():
    return tuple(Endorsement.objects.order_by("pk").values_list("pk", "actor", "withdrawn_at"))


def body(pledge, actor, **fields) -> dict:
    return {"pledge": pledge.pk, "actor": actor.pk, **fields}


# Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("which", ["published", "draft", "withdrawn"])
def test_endorsing_permission_matrix(client_as, world, withdrawn, actor_b, caplog, persona, which):
    pledge = withdrawn if which == "withdrawn" else world[which]
    client = client_as(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(LIST, body(pledge, actor_b), format="json")

    assert_cell(
        response.status_code,
        ENDORSE[which][persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )
    if response.status_code >= 400:
        assert_json_error(response, response.status_code)


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("which", ["published", "withdrawn"])
def test_withdrawing_permission_matrix(
    client_as, world, withdrawn, actor_b, caplog, persona, which
):
    pledge = withdrawn if which == "withdrawn" else world["published"]
    endorsement = EndorsementFactory(pledge=pledge, actor=actor_b)
    client = client_as(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.delete(f"{LIST}{endorsement.pk}/")

    assert_cell(
        response.status_code,
        WITHDRAW[persona],
        method="delete",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", ALL)
def test_an_endorsement_is_withdrawn_once(client_as, world, actor_b, caplog, persona):
    endorsement = EndorsementFactory(
        pledge=world["published"], actor=actor_b, withdrawn_at=timezone.now()
    )
    client = client_as(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.delete(f"{LIST}{endorsement.pk}/")

    assert_cell(
        response.status_code,
        WITHDRAW_AGAIN[persona],
        method="delete",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize(("persona", "actor"), [("focal_a", "actor_a"), ("partner_c", "actor_c")])
def test_the_lead_and_a_partner_do_not_endorse_their_own_pledge(
    request, api_as, world, persona, actor
):
    client = api_as(persona)

    response = client.post(
        LIST, body(world["published"], request.getfixturevalue(actor)), format="json"
    )

    assert_json_error(response, 403)
    assert not Endorsement.objects.exists()


def test_an_organisation_one_does_not_belong_to_is_refused(api_as, world, actor_c):
    response = api_as("focal_b").post(LIST, body(world["published"], actor_c), format="json")

    assert_json_error(response, 403)


# Writes --------------------------------------------------------------------------------------


def test_an_endorsement_is_made_and_read_back(api_as, world, actor_b, focal_b):
    client = api_as("focal_b")

    response = client.post(
        LIST,
        body(world["published"], actor_b, offers_partnership=True, note="  We support this. "),
        format="json",
    )

    assert response.status_code == 201
    made = response.json()
    endorsement = Endorsement.objects.get()
    assert made == {
        "id": endorsement.pk,
        "pledge": world["published"].pk,
        "actor": {
            "id": actor_b.pk,
            "name": "Organisation B",
            "kind": "member-state",
            "country": "",
        },
        "offers_partnership": True,
        "note": "We support this.",
        "created_at": made["created_at"],
    }
    assert endorsement.endorsed_by == focal_b
    assert APIClient().get(f"{LIST}{endorsement.pk}/").json() == made


def test_a_second_endorsement_is_a_409_with_a_clear_message(api_as, world, actor_b):
    client = api_as("focal_b")
    client.post(LIST, body(world["published"], actor_b), format="json")

    again = client.post(LIST, body(world["published"], actor_b), format="json")

    assert_json_error(again, 409, "Organisation B already endorses this pledge.")
    assert Endorsement.objects.count() == 1


def test_withdraw_then_endorse_again(api_as, world, actor_b):
    client = api_as("focal_b")
    first = client.post(LIST, body(world["published"], actor_b), format="json").json()

    assert client.delete(f"{LIST}{first['id']}/").status_code == 204
    assert APIClient().get(f"{LIST}{first['id']}/").status_code == 404
    second = client.post(LIST, body(world["published"], actor_b), format="json")

    assert second.status_code == 201
    assert Endorsement.objects.count() == 2
    assert list(Endorsement.objects.active().values_list("pk", flat=True)) == [second.json()["id"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"note": "n" * 1001}, "note"),
        ({"actor": None}, "actor"),
        ({"actor": 987654321}, "actor"),
        ({"actor": "B"}, "actor"),
        ({"pledge": "one"}, "pledge"),
        ({"pledge": 0}, "pledge"),
        ({"offers_partnership": "perhaps"}, "offers_partnership"),
        ({"note": "a\x00b"}, "note"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, world, actor_b, data, field):
    payload = {**body(world["published"], actor_b), **data}

    response = api_as("focal_b").post(LIST, payload, format="json")

    assert list(assert_json_error(response, 400)) == [field]
    assert not Endorsement.objects.exists()


def test_a_pledge_that_does_not_exist_is_a_404_as_a_hidden_one(api_as, world, actor_b):
    client = api_as("focal_b")

    missing = client.post(LIST, {"pledge": 987654321, "actor": actor_b.pk}, format="json")
    hidden = client.post(LIST, body(world["draft"], actor_b), format="json")

    assert_json_error(missing, 404)
    assert_json_error(hidden, 404)
    assert missing.json() == hidden.json()


def test_anonymous_writes_are_a_401(world, actor_b):
    endorsement = EndorsementFactory(pledge=world["published"], actor=actor_b)

    assert_json_error(APIClient().post(LIST, body(world["published"], actor_b), format="json"), 401)
    assert_json_error(APIClient().delete(f"{LIST}{endorsement.pk}/"), 401)


# Reads ----------------------------------------------------------------------------------------


@pytest.fixture
def endorsements(world, withdrawn, actor_b, actor_c):
    d = ActorFactory(name="Organisation D")
    other = PledgeFactory(lead=actor_c, published=True)
    return {
        "b_on_published": EndorsementFactory(pledge=world["published"], actor=actor_b),
        "d_on_published": EndorsementFactory(
            pledge=world["published"], actor=d, offers_partnership=True
        ),
        "b_withdrawn": EndorsementFactory(pledge=other, actor=actor_b, withdrawn_at=timezone.now()),
        "b_on_withdrawn_pledge": EndorsementFactory(pledge=withdrawn, actor=actor_b),
        "d": d,
        "other": other,
    }


def test_the_list_is_the_standing_endorsements_of_public_pledges(endorsements):
    response = APIClient().get(LIST)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == sorted(
        (
            endorsements[name].pk
            for name in ("b_on_published", "d_on_published", "b_on_withdrawn_pledge")
        ),
        reverse=True,
    )


def test_the_list_filters_by_pledge_and_by_organisation(world, endorsements, actor_b):
    client = APIClient()

    assert ids(client.get(LIST, {"pledge": world["published"].pk})) == {
        endorsements["b_on_published"].pk,
        endorsements["d_on_published"].pk,
    }
    assert ids(client.get(LIST, {"actor": actor_b.pk})) == {
        endorsements["b_on_published"].pk,
        endorsements["b_on_withdrawn_pledge"].pk,
    }
    assert ids(client.get(LIST, {"pledge": endorsements["other"].pk})) == set()
    assert ids(client.get(LIST, {"offers_partnership": "true"})) == {
        endorsements["d_on_published"].pk
    }


def test_a_draft_is_no_filter_value_as_an_id_nothing_has(world, endorsements):
    draft = assert_json_error(APIClient().get(LIST, {"pledge": world["draft"].pk}), 400)
    missing = assert_json_error(APIClient().get(LIST, {"pledge": 987654321}), 400)

    assert list(draft) == list(missing) == ["pledge"]


def test_the_list_is_paged_with_a_cursor(world, actor_b):
    for _ in range(5):
        EndorsementFactory(pledge=world["published"], actor=ActorFactory())
    client, seen, url = APIClient(), [], LIST

    while url:
        page = client.get(url, {"page_size": 2} if url == LIST else None).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    assert seen == sorted(Endorsement.objects.values_list("pk", flat=True), reverse=True)


def test_a_withdrawn_endorsement_is_not_found(endorsements):
    response = APIClient().get(f"{LIST}{endorsements['b_withdrawn'].pk}/")

    assert_json_error(response, 404)


# The pledge objects' count -------------------------------------------------------------------


def test_pledge_objects_count_the_standing_endorsements(world, withdrawn, endorsements):
    client = APIClient()

    listed = {
        row["id"]: row["endorsements"] for row in client.get("/api/v1/pledges/").json()["results"]
    }
    detail = client.get(f"/api/v1/pledges/{world['published'].pk}/").json()

    assert listed[world["published"].pk] == detail["endorsements"] == 2
    assert listed[withdrawn.pk] == 1
    assert listed[endorsements["other"].pk] == 0


def test_a_committed_endorsement_or_withdrawal_is_in_the_next_list_answer(
    api_as, world, actor_b, django_capture_on_commit_callbacks
):
    def count():
        rows = APIClient().get("/api/v1/pledges/").json()["results"]
        return {row["id"]: row["endorsements"] for row in rows}[world["published"].pk]

    assert count() == 0  # kept from now on, until a write commits
    client = api_as("focal_b")
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(LIST, body(world["published"], actor_b), format="json").json()
    assert count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.delete(f"{LIST}{made['id']}/")
    assert count() == 0


@pytest.mark.parametrize("reader", ["anonymous", "focal_a"])
def test_the_pledge_list_costs_the_same_with_endorsements_at_10_and_200(
    request, actor_a, django_assert_num_queries, reader
):
    pledges = bulk_pledges(205, lead=actor_a, status="published")
    user, actor = VerifiedUserFactory(), ActorFactory()
    Endorsement.objects.bulk_create(
        Endorsement(pledge=pledge, actor=actor, endorsed_by=user) for pledge in pledges[-50:]
    )
    round_opened(timezone.now())  # cached, as every reader but the first finds it
    if reader == "anonymous":
        client, queries = APIClient(), 2  # the page's ids and positions, its rows
    else:
        # the token and the person's roles too (tests/api/test_api_queries.py)
        client, queries = token_client(request.getfixturevalue(reader)), 4
        client.get("/api/v1/")

    for size in (10, 200):
        with django_assert_num_queries(queries):
            rows = client.get("/api/v1/pledges/", {"page_size": size}).json()["results"]
        assert len(rows) == size
    assert sum(row["endorsements"] for row in rows) == 50
