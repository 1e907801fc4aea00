"""Needs: the board and a need's page, who may publish, edit, offer, mark met, close and hide,
the matching pledges a need shows, notifications, the search and the export."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from actors.models import Membership, Notification
from actors.models.notifications import Kind
from reviews import services
from reviews.filters import NeedFilter
from reviews.models import ModerationLogEntry, Need, Objective, Offer, Pledge
from reviews.search import parse
from reviews.site_search.kinds import KINDS
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    PledgeFactory,
    VerifiedUserFactory,
)
from tests.matrix import make_table, outcome

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


@pytest.fixture
def need(actor_a):
    return NeedFactory(actor=actor_a, title="Trainers for labour inspectors")


def _need_form(**overrides) -> dict:
    data = {
        "title": "Interpreters for border reception",
        "description": "Interpreters in three languages for six months.",
        "language": "en",
        "objectives": [str(Objective.objects.get(number=7).pk)],
        "support": ["technical", "financial"],
        "countries": ["SN"],
    }
    data.update(overrides)
    return data


def _post(client, as_persona, persona, url, data):
    as_persona(persona)
    return outcome(client.post(url, data), joins=True)


PUBLISH = table(
    anonymous="login",
    verified_user="join",
    contributor_a="done",
    focal_a="done",
    focal_b="404",
    moderator="join",
    moderator_without_mfa="join",
)
MANAGE = table(
    anonymous="login",
    verified_user="403",
    contributor_a="done",
    focal_a="done",
    focal_b="403",
    moderator="403",
    moderator_without_mfa="403",
)
OFFER = table(
    anonymous="login",
    verified_user="403",
    contributor_a="403",
    focal_a="403",
    focal_b="done",
    moderator="403",
    moderator_without_mfa="403",
)
HIDE = table(
    anonymous="login",
    verified_user="404",
    contributor_a="404",
    focal_a="404",
    focal_b="404",
    moderator="done",
    moderator_without_mfa="mfa",
)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_publish_a_need(client, as_persona, actor_a, persona):
    got = _post(
        client,
        as_persona,
        persona,
        reverse("reviews:need-create"),
        {**_need_form(), "actor": actor_a.pk},
    )
    assert got == PUBLISH[persona]
    assert Need.objects.filter(actor=actor_a).exists() == (got == "done")


def test_a_published_need_is_on_the_board_at_once(client, contributor_a, actor_a):
    client.force_login(contributor_a)
    response = client.post(reverse("reviews:need-create"), {**_need_form(), "actor": actor_a.pk})
    need = Need.objects.get()
    assert response["Location"] == need.get_absolute_url()
    assert need.support == "financial,technical"
    assert need.created_by == contributor_a
    assert [o.number for o in need.objectives.all()] == [7]
    client.logout()
    assert need.title in client.get(reverse("reviews:need-list")).content.decode()


def test_an_invalid_need_keeps_what_was_typed(client, contributor_a, actor_a):
    client.force_login(contributor_a)
    data = {**_need_form(objectives=[], support=[]), "actor": actor_a.pk}
    response = client.post(reverse("reviews:need-create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Interpreters for border reception" in page
    assert "Interpreters in three languages" in page
    assert set(response.context["form"].errors) == {"objectives", "support"}
    assert not Need.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_edit_a_need(client, as_persona, need, persona):
    url = reverse("reviews:need-edit", args=[need.pk])
    got = _post(client, as_persona, persona, url, _need_form(title="Changed title"))
    assert got == MANAGE[persona]
    need.refresh_from_db()
    assert (need.title == "Changed title") == (got == "done")


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_offer(client, as_persona, need, actor_a, actor_b, persona):
    url = reverse("reviews:need-offer", args=[need.pk])
    actor = actor_b if persona == "focal_b" else actor_a
    got = _post(client, as_persona, persona, url, {"actor": actor.pk, "body": "Two trainers."})
    assert got == OFFER[persona]
    assert Offer.objects.filter(need=need).exists() == (got == "done")


@pytest.mark.parametrize("step", ["met", "close"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_mark_met_or_close(client, as_persona, need, persona, step):
    got = _post(client, as_persona, persona, reverse("reviews:need-step", args=[need.pk, step]), {})
    assert got == MANAGE[persona]
    need.refresh_from_db()
    expected = Need.Status.MET if step == "met" else Need.Status.CLOSED
    assert (need.status == expected) == (got == "done")


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_hide(client, as_persona, need, persona):
    url = reverse("reviews:need-moderate", args=[need.pk, "hide"])
    got = _post(client, as_persona, persona, url, {"reason": "Advertising."})
    assert got == HIDE[persona]
    need.refresh_from_db()
    assert need.is_hidden == (got == "done")


def test_hiding_and_restoring_are_logged(need, moderator):
    services.need_hide(need=need, moderator=moderator, reason="Advertising.")
    services.need_restore(need=need, moderator=moderator)
    actions = list(
        ModerationLogEntry.objects.filter(target_type="need", target_id=need.pk)
        .order_by("pk")
        .values_list("action", "reason")
    )
    assert actions == [("need-hide", "Advertising."), ("need-restore", "")]


def test_an_offer_on_a_closed_need_is_a_conflict(client, need, focal_a, focal_b, actor_b):
    services.need_close(need=need, by=focal_a)
    client.force_login(focal_b)
    response = client.post(
        reverse("reviews:need-offer", args=[need.pk]), {"actor": actor_b.pk, "body": "x"}
    )
    # A closed need is its organisation's alone now: for others it does not exist.
    assert response.status_code == 404


def test_an_offer_on_a_met_need_is_a_conflict(client, need, focal_a, focal_b, actor_b):
    services.need_mark_met(need=need, by=focal_a)
    client.force_login(focal_b)
    response = client.post(
        reverse("reviews:need-offer", args=[need.pk]), {"actor": actor_b.pk, "body": "x"}
    )
    assert response.status_code == 409
    assert not Offer.objects.exists()


def test_the_offering_organisation_withdraws_its_offer(client, need, focal_b, actor_b):
    offer = OfferFactory(need=need, actor=actor_b, created_by=focal_b)
    client.force_login(focal_b)
    response = client.post(reverse("reviews:offer-withdraw", args=[need.pk, offer.pk]))
    assert outcome(response) == "done"
    offer.refresh_from_db()
    assert offer.withdrawn_at is not None
    assert "Two trainers" not in client.get(need.get_absolute_url()).content.decode()


def test_another_organisation_cannot_withdraw_an_offer(client, need, contributor_a, actor_b):
    offer = OfferFactory(need=need, actor=actor_b)
    client.force_login(contributor_a)
    response = client.post(reverse("reviews:offer-withdraw", args=[need.pk, offer.pk]))
    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.withdrawn_at is None


def test_an_offer_reaches_the_focal_points_of_the_need(need, focal_a, contributor_a, focal_b):
    services.offer_create(need=need, actor=focal_b.memberships.get().actor, by=focal_b, body="Aid")
    told = Notification.objects.filter(kind=Kind.NEED_ANSWER)
    assert list(told.values_list("user", flat=True)) == [focal_a.pk]


def test_a_need_marked_met_reaches_the_offerers(need, focal_a, focal_b, actor_b):
    services.offer_create(need=need, actor=actor_b, by=focal_b, body="Aid")
    services.need_mark_met(need=need, by=focal_a)
    told = Notification.objects.filter(kind=Kind.NEED_MET)
    assert list(told.values_list("user", flat=True)) == [focal_b.pk]


def test_a_matching_pledge_appears_on_the_need_only_once_public(client, need, actor_b, moderator):
    pledge = PledgeFactory(
        lead=actor_b, kind=Pledge.Kind.MATCHING, answers_need=need, title="Inspectors trained"
    )
    assert "Inspectors trained" not in client.get(need.get_absolute_url()).content.decode()
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.SUBMITTED)
    pledge.refresh_from_db()
    services.pledge_publish(pledge=pledge, by=moderator)
    assert "Inspectors trained" in client.get(need.get_absolute_url()).content.decode()


def test_publishing_a_matching_pledge_tells_the_need(need, focal_a, actor_b, moderator):
    pledge = PledgeFactory(
        lead=actor_b, kind=Pledge.Kind.MATCHING, answers_need=need, status=Pledge.Status.SUBMITTED
    )
    services.pledge_publish(pledge=pledge, by=moderator)
    told = Notification.objects.filter(kind=Kind.NEED_ANSWER)
    assert list(told.values_list("user", flat=True)) == [focal_a.pk]


def test_a_pledge_answers_an_open_need_of_another_organisation(need, actor_a, actor_b):
    own = PledgeFactory.build(lead=actor_a, kind=Pledge.Kind.MATCHING, answers_need=need)
    with pytest.raises(Exception, match="own organisation"):
        own.full_clean(exclude=["objectives", "principles", "partners"])
    Need.objects.filter(pk=need.pk).update(status=Need.Status.MET, met_at=timezone.now())
    need.refresh_from_db()
    late = PledgeFactory.build(lead=actor_b, kind=Pledge.Kind.MATCHING, answers_need=need)
    with pytest.raises(Exception, match="open need"):
        late.full_clean(exclude=["objectives", "principles", "partners"])
    individual = PledgeFactory.build(lead=actor_b, answers_need=need)
    with pytest.raises(Exception, match="Only a matching pledge"):
        individual.full_clean(exclude=["objectives", "principles", "partners"])


def test_a_met_need_leaves_the_open_board_and_is_found_with_status_met(client, need, focal_a):
    services.need_mark_met(need=need, by=focal_a)
    board = client.get(reverse("reviews:need-list")).content.decode()
    assert need.title not in board
    met = client.get(reverse("reviews:need-list"), {"status": "met"}).content.decode()
    assert need.title in met


def test_a_hidden_need_is_gone_for_the_public(client, need, moderator):
    services.need_hide(need=need, moderator=moderator, reason="Spam.")
    assert need.title not in client.get(reverse("reviews:need-list")).content.decode()
    assert client.get(need.get_absolute_url()).status_code == 404
    assert client.get(reverse("api:need-detail", args=[need.pk])).status_code == 404
    assert client.get(reverse("api:need-list")).json()["results"] == []
    search = client.get(reverse("reviews:search"), {"q": "inspectors"}).content.decode()
    assert need.title not in search
    client.force_login(moderator)
    assert client.get(need.get_absolute_url()).status_code == 200


def test_a_closed_need_is_for_its_organisation_only(client, need, focal_a, contributor_a):
    services.need_close(need=need, by=focal_a)
    assert client.get(need.get_absolute_url()).status_code == 404
    client.force_login(contributor_a)
    assert client.get(need.get_absolute_url()).status_code == 200


def test_the_board_filters_like_the_pledge_list(client, actor_a):
    state = ActorFactory(kind="member-state", country="SN")
    NeedFactory(actor=actor_a, title="Money for shelters", support="financial")
    NeedFactory(
        actor=state,
        title="Policy advice on visas",
        support="policy",
        objectives=[Objective.objects.get(number=5)],
    )
    url = reverse("reviews:need-list")

    def titles(**params):
        return {need.title for need in client.get(url, params).context["page"]}

    assert titles() == {"Money for shelters", "Policy advice on visas"}
    assert titles(support="financial") == {"Money for shelters"}
    assert titles(objective=5) == {"Policy advice on visas"}
    assert titles(actor_kind="member-state") == {"Policy advice on visas"}
    assert titles(country="SN") == {"Policy advice on visas"}
    assert titles(q="shelters") == {"Money for shelters"}
    assert titles(sort="title") == {"Money for shelters", "Policy advice on visas"}
    assert client.get(url, {"objective": 99}).status_code == 400


def test_the_board_counts_and_offers_a_link_to_members(client, need, contributor_a):
    response = client.get(reverse("reviews:need-list"))
    assert response.context["page"].count == 1
    assert reverse("reviews:need-create") not in response.content.decode()
    client.force_login(contributor_a)
    assert (
        reverse("reviews:need-create") in client.get(reverse("reviews:need-list")).content.decode()
    )


def _many_needs(count, actor):
    other = ActorFactory()
    for _ in range(count):
        need = NeedFactory(actor=actor, objectives=list(Objective.objects.filter(number__lte=3)))
        OfferFactory(need=need, actor=other)
    return Need.objects.order_by("pk").first()


@pytest.mark.parametrize("count", [3, 25])
def test_the_board_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, actor_a, count
):
    _many_needs(count, actor_a)
    cache.clear()
    # The board's rows with their organisation and cycle, their objectives, the count, and the
    # filter form's objectives and cycles.
    with django_assert_num_queries(5):
        assert client.get(reverse("reviews:need-list")).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_a_need_page_costs_the_same_queries_whatever_it_holds(
    client, django_assert_num_queries, actor_a, actor_b, count
):
    need = NeedFactory(actor=actor_a)
    for _ in range(count):
        OfferFactory(need=need, actor=ActorFactory())
        PledgeFactory(published=True, lead=actor_b, kind=Pledge.Kind.MATCHING, answers_need=need)
    # The need with its organisation and cycle, its objectives, its offers, its pledges.
    with django_assert_num_queries(4):
        assert client.get(need.get_absolute_url()).status_code == 200


def test_the_site_search_finds_a_need_by_its_title(client, need):
    NeedFactory(title="Something else", description="Trainers for labour inspectors wanted.")
    response = client.get(reverse("reviews:search"), {"q": "inspectors", "type": "need"})
    hits = [hit.title for hit in response.context["search"].page.rows]
    assert hits[0] == need.title
    assert len(hits) == 2


def test_the_coverage_map_counts_open_needs_per_objective(client, need):
    NeedFactory(status=Need.Status.MET, met_at=timezone.now())
    response = client.get(reverse("reviews:coverage"))
    page = response.content.decode()
    assert f"{reverse('reviews:need-list')}?objective=6" in page


def test_the_export_leaves_hidden_needs_out(client, need, moderator):
    shown = NeedFactory(title="Shown need")
    services.need_hide(need=need, moderator=moderator, reason="Spam.")
    response = client.get(reverse("reviews:export", args=["needs", "csv"]))
    body = b"".join(response.streaming_content).decode()
    assert shown.title in body
    assert need.title not in body


def test_a_blocked_member_cannot_publish(client, actor_a):
    user = VerifiedUserFactory(posting_blocked_at=timezone.now())
    MembershipFactory(user=user, actor=actor_a, role=Membership.Role.FOCAL_POINT)
    client.force_login(user)
    response = client.post(reverse("reviews:need-create"), {**_need_form(), "actor": actor_a.pk})
    assert response.status_code == 403
    assert not Need.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="The GIN indexes exist on PostgreSQL only."
)
def test_needs_are_searched_through_their_gin_index(actor_a):
    Need.objects.bulk_create(
        Need(actor=actor_a, title=f"Need {n}", description="Funds.", support="financial")
        for n in range(2000)
    )
    NeedFactory(actor=actor_a, title="Quokka census")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reviews_need")
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    words = parse("quokka")
    plan = KINDS["need"].matching(words, postgresql=True).order_by().explain()
    assert "need_search" in plan, plan
    board = NeedFilter({"q": "quokka"}, queryset=Need.objects.public()).qs.order_by().explain()
    assert "need_search" in board, board
