"""Endorsements on the web site: who may endorse a pledge for which organisation and withdraw it
(every persona × a draft, a published and a withdrawn pledge), one standing endorsement per
organisation, withdrawing and endorsing again, the pledge page's list and form, the lead's
focal points told once, and the same count on the page, in the API and in the exports.

Outcomes as in tests/matrix.py. Organisation A leads the pledges and names B as partner; C is a
third organisation, whose contributor and focal point may endorse; "blocked_c" is a member of C
whom a moderator stopped from posting (the note is public text).
"""

import csv
import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Membership, Notification
from actors.models.notifications import Frequency, Kind
from actors.notifications import set_preferences
from portal.access import Conflict
from reviews import services
from reviews.models import Endorsement, Pledge, PledgePartner
from tests.factories import (
    ActorFactory,
    EndorsementFactory,
    MembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    VerifiedUserFactory,
    give_mfa,
)
from tests.matrix import assert_cell, denials, make_table, outcome
from tests.reviews.test_exports import download, records

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "verified_user",
    "contributor_c",
    "focal_c",
    "blocked_c",
    "contributor_a",
    "focal_a",
    "focal_b",
    "moderator",
    "moderator_without_mfa",
]
table = make_table(PERSONAS)

# Endorsing for C. Only C's members may, and only a published pledge; a draft is A's and B's
# (and the moderators') to see, a 404 for everyone else.
ENDORSE = {
    "published": table(
        anonymous="login",
        verified_user="403",
        contributor_c="done",
        focal_c="done",
        blocked_c="403",
        contributor_a="403",
        focal_a="403",
        focal_b="403",
        moderator="403",
        moderator_without_mfa="403",
    ),
    "draft": table(
        anonymous="login",
        verified_user="404",
        contributor_c="404",
        focal_c="404",
        blocked_c="404",
        contributor_a="403",
        focal_a="403",
        focal_b="403",
        moderator="403",
        moderator_without_mfa="404",
    ),
    "withdrawn": table(
        anonymous="login",
        verified_user="403",
        contributor_c="409",
        focal_c="409",
        blocked_c="403",
        contributor_a="403",
        focal_a="403",
        focal_b="403",
        moderator="403",
        moderator_without_mfa="403",
    ),
}
# Withdrawing C's endorsement: any member of C (a block stops posting, not taking back), on a
# published pledge and on a withdrawn one alike.
WITHDRAW = table(
    anonymous="login",
    verified_user="403",
    contributor_c="done",
    focal_c="done",
    blocked_c="done",
    contributor_a="403",
    focal_a="403",
    focal_b="403",
    moderator="403",
    moderator_without_mfa="403",
)
WITHDRAW_AGAIN = {**WITHDRAW, **{p: "409" for p, o in WITHDRAW.items() if o == "done"}}


@pytest.fixture
def actor_c(db):
    return ActorFactory(name="Organisation C", slug="organisation-c")


@pytest.fixture
def contributor_c(actor_c):
    user = VerifiedUserFactory(display_name="Cyd Contributor")
    MembershipFactory(user=user, actor=actor_c, role=Membership.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def focal_c(actor_c):
    user = VerifiedUserFactory(display_name="Cam Focal")
    MembershipFactory(user=user, actor=actor_c, role=Membership.Role.FOCAL_POINT)
    give_mfa(user)
    return user


@pytest.fixture
def blocked_c(actor_c):
    user = VerifiedUserFactory(display_name="Blo Cked", posting_blocked_at=timezone.now())
    MembershipFactory(user=user, actor=actor_c)
    return user


@pytest.fixture
def sign_in(client, request):
    def sign_in(persona):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))

    return sign_in


def _pledge(lead, partner, **fields) -> Pledge:
    pledge = PledgeFactory(lead=lead, kind=Pledge.Kind.JOINT, **fields)
    PledgePartnerFactory(pledge=pledge, actor=partner, status=PledgePartner.Status.CONFIRMED)
    return pledge


@pytest.fixture
def pledges(actor_a, actor_b):
    """A's joint pledges naming B, one in each state that matters here."""
    withdrawn = _pledge(actor_a, actor_b, published=True)
    Pledge.objects.filter(pk=withdrawn.pk).update(status=Pledge.Status.WITHDRAWN)
    return {
        "published": _pledge(actor_a, actor_b, published=True, title="A's published pledge"),
        "draft": _pledge(actor_a, actor_b, title="A's draft"),
        "withdrawn": Pledge.objects.get(pk=withdrawn.pk),
    }


def state():
    return tuple(
        Endorsement.objects.order_by("pk").values_list(
            "pk", "actor", "offers_partnership", "note", "withdrawn_at"
        )
    )


def endorse_url(pledge) -> str:
    return reverse("reviews:pledge-endorse", args=[pledge.pk])


def withdraw_url(endorsement) -> str:
    return reverse("reviews:endorsement-withdraw", args=[endorsement.pledge_id, endorsement.pk])


def form_data(actor, note="We support this.", partner=False) -> dict:
    data = {"endorsement-actor": actor.pk, "endorsement-note": note}
    if partner:
        data["endorsement-offers_partnership"] = "on"
    return data


# Who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", ["published", "draft", "withdrawn"])
def test_endorsing_permission_matrix(
    client, sign_in, pledges, actor_c, focal_a, focal_b, caplog, persona, which
):
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(endorse_url(pledges[which]), form_data(actor_c))

    assert_cell(
        outcome(response),
        ENDORSE[which][persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("which", ["published", "withdrawn"])
def test_withdrawing_permission_matrix(
    client, sign_in, pledges, actor_c, focal_a, focal_b, caplog, persona, which
):
    endorsement = EndorsementFactory(pledge=pledges[which], actor=actor_c)
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(withdraw_url(endorsement))

    assert_cell(
        outcome(response),
        WITHDRAW[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_endorsement_is_withdrawn_once(
    client, sign_in, pledges, actor_c, focal_a, focal_b, caplog, persona
):
    endorsement = EndorsementFactory(
        pledge=pledges["published"], actor=actor_c, withdrawn_at=timezone.now()
    )
    sign_in(persona)
    before = state()

    with denials(caplog) as denied:
        response = client.post(withdraw_url(endorsement))

    assert_cell(
        outcome(response),
        WITHDRAW_AGAIN[persona],
        method="post",
        before=before,
        after=state(),
        denied=denied,
    )


def test_a_moderator_endorses_for_their_own_organisation_like_anyone(
    client, moderator, pledges, actor_c
):
    MembershipFactory(user=moderator, actor=actor_c)
    client.force_login(moderator)

    response = client.post(endorse_url(pledges["published"]), form_data(actor_c))

    assert outcome(response) == "done"
    assert Endorsement.objects.get().actor == actor_c
    # ... and nothing more: not for an organisation they do not belong to.
    other = ActorFactory()
    response = client.post(endorse_url(pledges["published"]), form_data(other))
    assert response.status_code == 400
    assert Endorsement.objects.count() == 1


def test_a_member_of_both_the_lead_and_a_third_organisation_endorses_only_for_the_third(
    client, contributor_a, actor_a, actor_c, pledges
):
    MembershipFactory(user=contributor_a, actor=actor_c)
    client.force_login(contributor_a)
    page = client.get(pledges["published"].get_absolute_url())
    form = page.context["endorsement_form"]

    assert [value for value, _ in form.fields["actor"].choices] == [actor_c.pk]
    response = client.post(endorse_url(pledges["published"]), form_data(actor_a))
    assert response.status_code == 400
    assert not Endorsement.objects.exists()


def test_a_declined_partner_is_no_partner_and_may_endorse(client, actor_b, focal_b, pledges):
    pledge = pledges["published"]
    PledgePartner.objects.filter(pledge=pledge, actor=actor_b).update(
        status=PledgePartner.Status.DECLINED
    )
    client.force_login(focal_b)

    assert outcome(client.post(endorse_url(pledge), form_data(actor_b))) == "done"


def test_a_proposed_organisation_does_not_endorse(client, contributor_c, actor_c, pledges):
    actor_c.status = actor_c.Status.PROPOSED
    actor_c.save()
    client.force_login(contributor_c)

    assert client.post(endorse_url(pledges["published"]), form_data(actor_c)).status_code == 403


# One standing endorsement per organisation ---------------------------------------------------


def test_a_second_endorsement_by_the_same_organisation_is_refused_clearly(
    client, contributor_c, focal_c, actor_c, pledges
):
    pledge = pledges["published"]
    client.force_login(focal_c)
    client.post(endorse_url(pledge), form_data(actor_c))
    client.force_login(contributor_c)

    response = client.post(endorse_url(pledge), form_data(actor_c, note="Us too, again."))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Organisation C already endorses this pledge." in page
    assert "Us too, again." in page  # nothing typed is lost
    assert Endorsement.objects.active().count() == 1


def test_the_service_refuses_a_second_one_with_a_conflict_not_an_integrity_error(
    contributor_c, actor_c, pledges
):
    pledge = pledges["published"]
    services.endorsement_create(pledge=pledge, actor=actor_c, by=contributor_c)

    with pytest.raises(services.AlreadyEndorsed) as refused:
        services.endorsement_create(pledge=pledge, actor=actor_c, by=contributor_c)

    assert isinstance(refused.value, ValidationError)
    assert isinstance(refused.value, Conflict)
    assert Endorsement.objects.count() == 1


def test_the_database_holds_one_active_endorsement_per_organisation_and_pledge(actor_c, pledges):
    first = EndorsementFactory(pledge=pledges["published"], actor=actor_c)

    with pytest.raises(IntegrityError), transaction.atomic():
        EndorsementFactory(pledge=pledges["published"], actor=actor_c)

    first.withdrawn_at = timezone.now()
    first.save()
    EndorsementFactory(pledge=pledges["published"], actor=actor_c)  # a withdrawn one is history
    assert Endorsement.objects.count() == 2


def test_withdrawing_keeps_the_record_and_frees_the_organisation_to_endorse_again(
    client, contributor_c, focal_c, actor_c, pledges
):
    pledge = pledges["published"]
    client.force_login(contributor_c)
    client.post(endorse_url(pledge), form_data(actor_c, note="First word."))
    first = Endorsement.objects.get()

    response = client.post(withdraw_url(first))

    assert response["Location"].endswith(f"/pledges/{pledge.pk}/#endorsements")
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert first.withdrawn_by == contributor_c
    assert first.note == "First word."
    assert not Endorsement.objects.active().exists()

    client.force_login(focal_c)
    assert outcome(client.post(endorse_url(pledge), form_data(actor_c, partner=True))) == "done"
    assert Endorsement.objects.count() == 2
    again = Endorsement.objects.active().get()
    assert (again.endorsed_by, again.offers_partnership) == (focal_c, True)


def test_a_note_too_long_is_shown_again_with_its_error(client, contributor_c, actor_c, pledges):
    client.force_login(contributor_c)
    note = "n" * 1001

    response = client.post(endorse_url(pledges["published"]), form_data(actor_c, note=note))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="form-errors error-summary"' in page
    assert note in page
    assert not Endorsement.objects.exists()


def test_the_note_is_plain_text(client, contributor_c, actor_c, pledges):
    client.force_login(contributor_c)
    note = "<script>alert(1)</script> *not emphasis*\nSecond line"

    client.post(endorse_url(pledges["published"]), form_data(actor_c, note=note))
    page = client.get(pledges["published"].get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *not emphasis*<br>Second line" in page


def test_endorsing_asks_for_a_post_with_the_csrf_token(contributor_c, actor_c, pledges):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor_c)

    assert client.get(endorse_url(pledges["published"])).status_code == 405
    assert client.post(endorse_url(pledges["published"]), form_data(actor_c)).status_code == 403
    assert not Endorsement.objects.exists()


# The pledge page ---------------------------------------------------------------------------------


def test_the_page_lists_the_standing_endorsements_with_their_organisations(
    client, actor_c, pledges
):
    pledge = pledges["published"]
    d = ActorFactory(name="Organisation D", slug="organisation-d")
    EndorsementFactory(pledge=pledge, actor=actor_c, offers_partnership=True, note="Count on us.")
    EndorsementFactory(pledge=pledge, actor=d)
    EndorsementFactory(
        pledge=pledge, actor=ActorFactory(name="Gone Org"), withdrawn_at=timezone.now()
    )

    page = client.get(pledge.get_absolute_url()).content.decode()

    assert "Endorsements (2)" in page
    assert "2 organisations endorse this pledge." in page
    assert f'<a href="{actor_c.get_absolute_url()}">Organisation C</a>' in page
    assert f'<a href="{d.get_absolute_url()}">Organisation D</a>' in page
    assert page.count("Offers to partner") == 1
    assert "Count on us." in page
    assert "Gone Org" not in page
    assert "to endorse this pledge for your organisation" in page  # anonymous: sign in


def test_a_member_of_a_third_organisation_gets_the_form_and_a_withdraw_button(
    client, contributor_c, actor_c, pledges
):
    pledge = pledges["published"]
    client.force_login(contributor_c)

    page = client.get(pledge.get_absolute_url()).content.decode()
    assert f'action="{endorse_url(pledge)}"' in page
    assert 'name="endorsement-note"' in page

    client.post(endorse_url(pledge), form_data(actor_c))
    endorsement = Endorsement.objects.get()
    page = client.get(pledge.get_absolute_url()).content.decode()
    assert f'action="{endorse_url(pledge)}"' not in page  # C endorses already: nothing left
    assert f'action="{withdraw_url(endorsement)}"' in page
    assert "Withdraw the endorsement of Organisation C" in page


@pytest.mark.parametrize("persona", ["contributor_a", "focal_b", "moderator", "verified_user"])
def test_no_one_else_gets_the_form_or_the_button(client, sign_in, actor_c, pledges, persona):
    pledge = pledges["published"]
    endorsement = EndorsementFactory(pledge=pledge, actor=actor_c)
    sign_in(persona)

    page = client.get(pledge.get_absolute_url()).content.decode()

    assert f'action="{endorse_url(pledge)}"' not in page
    assert f'action="{withdraw_url(endorsement)}"' not in page
    assert "Endorsements (1)" in page


def test_a_withdrawn_pledge_keeps_its_list_but_offers_no_form(
    client, contributor_c, actor_c, pledges
):
    pledge = pledges["withdrawn"]
    endorsement = EndorsementFactory(pledge=pledge, actor=actor_c)
    client.force_login(contributor_c)

    page = client.get(pledge.get_absolute_url()).content.decode()

    assert "Endorsements (1)" in page
    assert f'action="{endorse_url(pledge)}"' not in page
    assert f'action="{withdraw_url(endorsement)}"' in page


def test_a_draft_shows_no_endorsements(client, focal_a, pledges):
    client.force_login(focal_a)

    response = client.get(pledges["draft"].get_absolute_url())

    assert 'id="endorsements"' not in response.content.decode()


# Told once ---------------------------------------------------------------------------------------


def test_the_leads_focal_points_are_told_once_each(
    client,
    actor_a,
    focal_a,
    focal_a_without_mfa,
    contributor_a,
    focal_b,
    contributor_c,
    actor_c,
    pledges,
):
    pledge = pledges["published"]
    client.force_login(contributor_c)

    client.post(endorse_url(pledge), form_data(actor_c, note="Count on us.", partner=True))

    told = Notification.objects.filter(kind=Kind.ENDORSEMENT)
    assert sorted(told.values_list("user__email", flat=True)) == sorted(
        [focal_a.email, focal_a_without_mfa.email]
    )
    assert not Notification.objects.exclude(kind=Kind.ENDORSEMENT).exists()
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [focal_a.email, focal_a_without_mfa.email]
    )
    notification = told.first()
    assert notification.title == (
        f"Organisation C endorses your pledge “{pledge.title}” and offers to partner"
    )
    assert notification.body == "Count on us."
    assert notification.url == Endorsement.objects.get().get_absolute_url()


def test_the_notification_follows_each_persons_choice(
    client, focal_a, focal_a_without_mfa, contributor_c, actor_c, pledges
):
    set_preferences(user=focal_a, choices={Kind.ENDORSEMENT: Frequency.OFF})
    client.force_login(contributor_c)

    client.post(endorse_url(pledges["published"]), form_data(actor_c))

    assert Notification.objects.filter(kind=Kind.ENDORSEMENT).count() == 2
    assert [message.to for message in mail.outbox] == [[focal_a_without_mfa.email]]


def test_a_focal_point_of_the_lead_who_endorses_for_another_organisation_is_not_told(
    client, focal_a, actor_c, pledges
):
    MembershipFactory(user=focal_a, actor=actor_c)
    client.force_login(focal_a)

    client.post(endorse_url(pledges["published"]), form_data(actor_c))

    assert Endorsement.objects.active().count() == 1
    assert not Notification.objects.filter(user=focal_a).exists()


def test_withdrawing_tells_no_one(client, focal_a, contributor_c, actor_c, pledges):
    endorsement = EndorsementFactory(pledge=pledges["published"], actor=actor_c)
    client.force_login(contributor_c)

    client.post(withdraw_url(endorsement))

    assert not Notification.objects.exists()


# One count everywhere --------------------------------------------------------------------------


def test_the_page_the_api_and_the_exports_count_the_same(
    client, actor_c, pledges, django_capture_on_commit_callbacks
):
    pledge = pledges["published"]
    api = APIClient()
    listed = api.get("/api/v1/pledges/", {"page_size": 50}).json()["results"]
    assert {item["id"]: item["endorsements"] for item in listed}[pledge.pk] == 0  # kept now
    with django_capture_on_commit_callbacks(execute=True):  # the kept list is retired
        EndorsementFactory(pledge=pledge, actor=actor_c)
        EndorsementFactory(pledge=pledge, actor=ActorFactory())
        EndorsementFactory(pledge=pledge, actor=ActorFactory(), withdrawn_at=timezone.now())
        EndorsementFactory(pledge=pledges["withdrawn"], actor=actor_c)

    page = client.get(pledge.get_absolute_url())
    listed = api.get("/api/v1/pledges/", {"page_size": 50}).json()["results"]
    detail = api.get(f"/api/v1/pledges/{pledge.pk}/").json()
    endorsements = api.get("/api/v1/endorsements/", {"pledge": pledge.pk}).json()["results"]
    exported = {}
    for fmt in ("csv", "xlsx", "json"):
        _, rows = records(fmt, download(client, "pledges", fmt)[1])
        exported[fmt] = {int(row["id"]): int(row["endorsements"]) for row in rows}

    assert len(page.context["endorsements"]) == 2
    assert "Endorsements (2)" in page.content.decode()
    counts = {item["id"]: item["endorsements"] for item in listed}
    assert counts == {pledge.pk: 2, pledges["withdrawn"].pk: 1}
    assert detail["endorsements"] == 2
    assert len(endorsements) == 2
    assert exported["csv"] == exported["xlsx"] == exported["json"] == counts


def test_the_export_column_is_in_the_csv_header(client, actor_c, pledges):
    EndorsementFactory(pledge=pledges["published"], actor=actor_c)

    _, body = download(client, "pledges", "csv")
    header, *_ = csv.reader(io.StringIO(body.decode("utf-8-sig")))

    assert "endorsements" in header


# The page's cost -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "contributor_c", "focal_c"])
def test_the_pledge_page_reads_its_endorsements_in_one_query_whatever_their_number(
    client, sign_in, actor_c, contributor_c, pledges, persona
):
    """Their organisations with them, whoever reads and whatever the person may do with them
    (tests/reviews/test_page_queries.py counts the whole page)."""
    pledge = pledges["published"]
    sign_in(persona)
    counts = []
    for size in (3, 30):
        Endorsement.objects.all().delete()
        Endorsement.objects.bulk_create(
            Endorsement(pledge=pledge, actor=ActorFactory(), endorsed_by=contributor_c)
            for _ in range(size)
        )
        cache.clear()  # each time as the first reader finds it
        with CaptureQueriesContext(connection) as queries:
            response = client.get(pledge.get_absolute_url())
        assert len(response.context["endorsements"]) == size
        assert response.context["endorsement_form"] is None or persona != "anonymous"
        counts.append(len(queries.captured_queries))
        reads = [q["sql"] for q in queries.captured_queries if "reviews_endorsement" in q["sql"]]
        assert len(reads) == 1, reads

    assert counts[0] == counts[1]
