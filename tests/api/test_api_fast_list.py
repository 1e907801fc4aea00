"""The pledge list is written from values, not serialised instances: every item must read
exactly as the pledge's detail does (PledgeSerializer's fields), so the two never drift; and the
cursor still pages through every sort."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Actor
from reviews.models import GuidingPrinciple, Objective, Pledge, PledgePartner
from reviews.serializers import PledgeSerializer
from tests.api.conftest import token_client
from tests.factories import ActorFactory, PledgeFactory, PledgePartnerFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/pledges/"


@pytest.fixture
def varied(actor_a, actor_b):
    """Pledges with and without each optional value: partners (in and out of name order, with
    and without a country), objectives, principles, cycle, amount, countries, dates."""
    objectives = list(Objective.objects.filter(number__in=[2, 7, 19]))
    principles = list(GuidingPrinciple.objects.filter(number__in=[1, 4]))
    zed = ActorFactory(name="Zed partners", kind=Actor.Kind.NHRI, country="SN")
    full = PledgeFactory(
        lead=actor_a,
        published=True,
        kind=Pledge.Kind.JOINT,
        objectives=objectives,
        principles=principles,
        amount=Decimal("1234.5"),
        currency="USD",
        countries=["SN", "FR"],
        title="Éducation pour tous — «quoted»",
    )
    PledgePartnerFactory(pledge=full, actor=zed, status=PledgePartner.Status.CONFIRMED)
    PledgePartnerFactory(pledge=full, actor=actor_b, status=PledgePartner.Status.PENDING)
    bare = PledgeFactory(
        lead=actor_b,
        published=True,
        primary_objective=None,
        objectives=[],
        cycle=None,
        support="",
        scope="",
        start_date=None,
        end_date=None,
        summary="",
    )
    Pledge.objects.filter(pk=bare.pk).update(last_reported_at=None)
    withdrawn = PledgeFactory(lead=actor_a, published=True)
    Pledge.objects.filter(pk=withdrawn.pk).update(
        status=Pledge.Status.WITHDRAWN,
        published_at=timezone.now() - dt.timedelta(days=400, microseconds=7),
    )
    answer = PledgeFactory(lead=actor_b, published=True, kind=Pledge.Kind.MATCHING, matches=full)
    draft = PledgeFactory(lead=actor_a, title="A's draft")
    return [full, bare, withdrawn, answer, draft]


@pytest.mark.parametrize("reader", ["anonymous", "focal_a"])
def test_every_list_item_reads_as_the_pledges_detail(request, varied, reader):
    client = APIClient() if reader == "anonymous" else token_client(request.getfixturevalue(reader))

    items = client.get(LIST, {"page_size": 50}).json()["results"]

    expected = {pledge.pk for pledge in varied}
    if reader == "anonymous":
        expected.discard(varied[-1].pk)
    assert {item["id"] for item in items} == expected
    for item in items:
        detail = client.get(f"{LIST}{item['id']}/").json()
        assert list(item) == PledgeSerializer.Meta.fields
        for field in PledgeSerializer.Meta.fields:
            assert item[field] == detail[field], (item["id"], field)


def test_the_values_themselves_are_those_of_the_contract(varied):
    items = {item["id"]: item for item in APIClient().get(LIST).json()["results"]}
    full, bare = items[varied[0].pk], items[varied[1].pk]

    assert full["amount"] == "1234.50"
    assert full["objectives"] == [2, 7, 19]
    assert full["principles"] == [1, 4]
    assert [p["name"] for p in full["partners"]] == ["Organisation B", "Zed partners"]
    assert full["partners"][1] == {
        "id": full["partners"][1]["id"],
        "name": "Zed partners",
        "kind": "nhri",
        "country": "SN",
        "status": "confirmed",
    }
    assert full["countries"] == ["FR", "SN"]
    assert full["url"] == f"http://testserver{LIST}{full['id']}/"
    assert full["published_at"].endswith("Z")
    assert bare["partners"] == bare["objectives"] == bare["principles"] == []
    assert bare["amount"] is bare["cycle"] is bare["primary_objective"] is None
    assert bare["start_date"] is None
    assert bare["freshness"] == "red"
    assert items[varied[2].pk]["freshness"] is None
    assert items[varied[3].pk]["matches"] == full["id"]


@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "updated", None])
def test_the_cursor_pages_through_every_sort(actor_a, sort):
    for n in range(7):
        pledge = PledgeFactory(lead=actor_a, published=True, title=f"Pledge {n % 3}")
        # Ties on the sort's first column (same moment, same title) across a page's edge.
        moment = timezone.now() - dt.timedelta(days=n // 2)
        Pledge.objects.filter(pk=pledge.pk).update(published_at=moment, updated_at=moment)
    params = {"page_size": 2, **({"sort": sort} if sort else {})}
    client, seen, url = APIClient(), [], LIST

    while url:
        body = client.get(url, params if url == LIST else None).json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]

    public = Pledge.objects.public()
    orders = {
        "newest": ("-published_at", "-pk"),
        "oldest": ("published_at", "pk"),
        "title": ("title", "pk"),
        "updated": ("-updated_at", "-pk"),
        None: ("-pk",),
    }
    assert seen == list(public.order_by(*orders[sort]).values_list("pk", flat=True))


def test_addresses_keep_the_lists_format_suffix(varied):
    item = APIClient().get("/api/v1/pledges.json").json()["results"][0]

    assert item["url"] == f"http://testserver{LIST}{item['id']}.json"
    assert APIClient().get(item["url"]).json()["url"] == item["url"]
