"""The pledge workflow's services: the lifecycle, its record, submission checks, partners, admin."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews import services
from reviews.models import Objective, Pledge, PledgePartner, PledgeTransition
from reviews.services import PledgeConflict, TransitionNotAllowed
from tests.factories import PledgeFactory, PledgePartnerFactory

pytestmark = pytest.mark.django_db

S = Pledge.Status
STEPS = ["submit", "publish", "return", "reject", "withdraw"]
ALLOWED = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.RETURNED, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "publish"): S.PUBLISHED,
    (S.SUBMITTED, "return"): S.RETURNED,
    (S.SUBMITTED, "reject"): S.REJECTED,
    (S.PUBLISHED, "withdraw"): S.WITHDRAWN,
}
FORBIDDEN = [(status, step) for status in S for step in STEPS if (status, step) not in ALLOWED]
BY_LEAD = {"submit", "withdraw"}
NEEDS_REASON = ["return", "reject", "withdraw"]


def run_step(step, pledge, user, reason="Because the text must say who is reached."):
    """Call the service of one lifecycle step as the views do."""
    if step == "submit":
        return services.pledge_submit(pledge=pledge, by=user)
    if step == "publish":
        return services.pledge_publish(pledge=pledge, by=user)
    return getattr(services, f"pledge_{step}")(pledge=pledge, by=user, reason=reason)


def test_the_lifecycle_table_has_exactly_the_designed_transitions():
    table = {
        (source, step): target
        for step, (sources, target) in services.TRANSITIONS.items()
        for source in sources
    }

    assert table == ALLOWED


@pytest.mark.parametrize(("status", "step"), list(ALLOWED), ids=lambda v: str(v))
def test_each_allowed_transition_moves_the_pledge_and_records_who_why_and_for_whom(
    focal_a, moderator, actor_a, status, step
):
    pledge = PledgeFactory(lead=actor_a, status=status)
    user = focal_a if step in BY_LEAD else moderator

    run_step(step, pledge, user, reason="  Because the text must say who is reached.  ")

    pledge.refresh_from_db()
    assert pledge.status == ALLOWED[status, step]
    transition = PledgeTransition.objects.get(pledge=pledge)
    assert transition.from_status == status
    assert transition.to_status == ALLOWED[status, step]
    assert transition.user == user
    assert transition.actor == (actor_a if step in BY_LEAD else None)
    stripped = "Because the text must say who is reached."
    assert transition.reason == (stripped if step in ("return", "reject", "withdraw") else "")


@pytest.mark.parametrize(("status", "step"), FORBIDDEN, ids=lambda v: str(v))
def test_every_other_transition_is_refused_and_changes_nothing(
    focal_a, moderator, actor_a, status, step
):
    pledge = PledgeFactory(lead=actor_a, status=status)
    user = focal_a if step in BY_LEAD else moderator

    with pytest.raises(TransitionNotAllowed):
        run_step(step, pledge, user)

    pledge.refresh_from_db()
    assert pledge.status == status
    assert not PledgeTransition.objects.exists()


@pytest.mark.parametrize("step", NEEDS_REASON)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_return_reject_and_withdraw_need_a_reason(focal_a, moderator, actor_a, step, reason):
    status = S.PUBLISHED if step == "withdraw" else S.SUBMITTED
    pledge = PledgeFactory(lead=actor_a, status=status)

    with pytest.raises(ValidationError) as caught:
        run_step(step, pledge, focal_a if step in BY_LEAD else moderator, reason=reason)

    assert "reason" in caught.value.message_dict
    pledge.refresh_from_db()
    assert pledge.status == status
    assert not PledgeTransition.objects.exists()


def test_submission_and_publication_set_their_dates(focal_a, moderator, actor_a):
    pledge = PledgeFactory(lead=actor_a)

    services.pledge_submit(pledge=pledge, by=focal_a)
    pledge.refresh_from_db()
    assert pledge.submitted_at is not None and pledge.published_at is None
    services.pledge_publish(pledge=pledge, by=moderator)

    pledge.refresh_from_db()
    assert pledge.published_at is not None
    assert pledge.last_reported_at == pledge.published_at


def test_a_returned_pledge_is_edited_and_submitted_again_until_withdrawn(
    focal_a, contributor_a, moderator, actor_a
):
    pledge = PledgeFactory(lead=actor_a)

    services.pledge_submit(pledge=pledge, by=focal_a)
    services.pledge_return(pledge=pledge, by=moderator, reason="Name the provinces.")
    services.pledge_update(
        pledge=pledge, by=contributor_a, version=1, data={"summary": "In two named provinces."}
    )
    services.pledge_submit(pledge=pledge, by=focal_a)
    services.pledge_publish(pledge=pledge, by=moderator)
    services.pledge_withdraw(pledge=pledge, by=focal_a, reason="Funding ended.")

    pledge.refresh_from_db()
    assert pledge.status == S.WITHDRAWN
    assert pledge.summary == "In two named provinces."
    assert pledge.version == 2
    assert list(pledge.transitions.values_list("from_status", "to_status", "reason")) == [
        (S.DRAFT, S.SUBMITTED, ""),
        (S.SUBMITTED, S.RETURNED, "Name the provinces."),
        (S.RETURNED, S.SUBMITTED, ""),
        (S.SUBMITTED, S.PUBLISHED, ""),
        (S.PUBLISHED, S.WITHDRAWN, "Funding ended."),
    ]


ALWAYS_REQUIRED = {
    "title",
    "summary",
    "description",
    "objectives",
    "primary_objective",
    "support",
    "scope",
    "start_date",
    "end_date",
    "contact_email",
    "cycle",
    "concerns_migrants",
}


def test_submission_reports_every_missing_piece_at_once(focal_a, actor_a):
    pledge = Pledge.objects.create(lead=actor_a, title="", concerns_migrants=False)

    with pytest.raises(ValidationError) as caught:
        services.pledge_submit(pledge=pledge, by=focal_a)

    assert set(caught.value.message_dict) == ALWAYS_REQUIRED
    pledge.refresh_from_db()
    assert pledge.status == S.DRAFT
    assert not PledgeTransition.objects.exists()


def test_a_complete_pledge_has_no_submission_errors(actor_a):
    assert PledgeFactory(lead=actor_a).submission_errors() == {}


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"support": Pledge.Support.FINANCIAL}, {"amount", "currency"}),
        ({"support": Pledge.Support.FINANCIAL, "amount": 1000}, {"currency"}),
        ({"support": Pledge.Support.FINANCIAL, "currency": "EUR"}, {"amount"}),
        ({"scope": Pledge.Scope.LOCAL}, {"countries"}),
        ({"scope": Pledge.Scope.NATIONAL}, {"countries"}),
        ({"kind": Pledge.Kind.MATCHING}, {"matches"}),
        ({"kind": Pledge.Kind.JOINT}, {"partners"}),
        ({"description": "x" * 299}, {"description"}),
        ({"description": "x" * 3001}, {"description"}),
        ({"description": " " * 10 + "x" * 290 + " " * 10}, {"description"}),
        ({"contact_name": ""}, {"contact_email"}),
        ({"contact_email": ""}, {"contact_email"}),
        ({"title": "   "}, {"title"}),
    ],
    ids=lambda v: str(v)[:40],
)
def test_submission_names_exactly_what_the_pledge_kind_lacks(actor_a, changes, missing):
    pledge = PledgeFactory(lead=actor_a, **changes)

    assert set(pledge.submission_errors()) == missing


@pytest.mark.parametrize(
    "changes",
    [
        {"description": "x" * 300},
        {"description": "x" * 3000},
        {"support": Pledge.Support.FINANCIAL, "amount": 0, "currency": "USD"},
        {"scope": Pledge.Scope.LOCAL, "countries": ["SN"]},
    ],
    ids=lambda v: str(v)[:40],
)
def test_submission_accepts_the_edges_of_each_rule(actor_a, changes):
    assert PledgeFactory(lead=actor_a, **changes).submission_errors() == {}


def test_the_primary_objective_must_be_among_the_objectives(actor_a):
    pledge = PledgeFactory(lead=actor_a, objectives=list(Objective.objects.filter(number=2)))

    assert set(pledge.submission_errors()) == {"primary_objective"}


def test_a_matching_pledge_with_its_match_and_a_joint_pledge_with_a_partner_are_complete(
    actor_a, actor_b
):
    answered = PledgeFactory(published=True)
    matching = PledgeFactory(lead=actor_a, kind=Pledge.Kind.MATCHING, matches=answered)
    joint = PledgePartnerFactory(pledge__lead=actor_a, actor=actor_b).pledge

    assert matching.submission_errors() == {}
    assert joint.submission_errors() == {}


@pytest.mark.parametrize("partner_status", [PledgePartner.Status.PENDING, "declined"])
def test_publication_waits_until_every_partner_confirmed(moderator, actor_a, partner_status):
    pledge = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT, submitted=True)
    PledgePartnerFactory(pledge=pledge, status=PledgePartner.Status.CONFIRMED)
    waiting = PledgePartnerFactory(pledge=pledge, status=partner_status)

    with pytest.raises(TransitionNotAllowed, match=waiting.actor.name):
        services.pledge_publish(pledge=pledge, by=moderator)

    pledge.refresh_from_db()
    assert pledge.status == S.SUBMITTED
    waiting.status = PledgePartner.Status.CONFIRMED
    waiting.save()
    services.pledge_publish(pledge=pledge, by=moderator)
    pledge.refresh_from_db()
    assert pledge.status == S.PUBLISHED


@pytest.mark.parametrize("confirm", [True, False])
def test_a_partner_focal_point_confirms_or_declines_and_is_recorded(focal_b, actor_b, confirm):
    partnership = PledgePartnerFactory(actor=actor_b)

    services.partnership_decide(partnership=partnership, by=focal_b, confirm=confirm)

    partnership.refresh_from_db()
    assert partnership.status == ("confirmed" if confirm else "declined")
    assert partnership.decided_by == focal_b
    assert partnership.decided_at is not None


def test_editing_names_and_removes_partners_but_never_the_lead(contributor_a, actor_a, actor_b):
    pledge = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT)
    dropped = PledgePartnerFactory(pledge=pledge).actor

    services.pledge_update(
        pledge=pledge, by=contributor_a, version=1, data={"partners": [actor_a, actor_b]}
    )

    assert list(pledge.partnerships.values_list("actor", flat=True)) == [actor_b.pk]
    assert not PledgePartner.objects.filter(actor=dropped).exists()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.PUBLISHED, S.REJECTED, S.WITHDRAWN])
def test_only_drafts_and_returned_pledges_can_be_edited(contributor_a, actor_a, status):
    pledge = PledgeFactory(lead=actor_a, status=status, title="Before")

    with pytest.raises(TransitionNotAllowed):
        services.pledge_update(pledge=pledge, by=contributor_a, version=1, data={"title": "X"})

    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Before", 1)


def test_an_edit_raises_the_version_and_a_stale_one_is_refused(contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, title="Before")

    services.pledge_update(pledge=pledge, by=contributor_a, version=1, data={"title": "First"})
    with pytest.raises(PledgeConflict) as caught:
        services.pledge_update(pledge=pledge, by=contributor_a, version=1, data={"title": "Late"})

    assert caught.value.current.title == "First"
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("First", 2)


@time_machine.travel(dt.datetime(2022, 1, 15, tzinfo=dt.UTC), tick=False)
def test_a_new_draft_defaults_to_the_cycle_open_for_submissions(contributor_a, actor_a):
    pledge = services.pledge_create(lead=actor_a, by=contributor_a, data={"title": "New"})

    pledge.refresh_from_db()
    assert pledge.status == S.DRAFT
    assert pledge.created_by == contributor_a
    assert pledge.cycle.slug == "imrf-2022"


# The admin: reading and moderating, never setting a status by hand.


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_the_admin_change_form_has_no_editable_status(admin_client, actor_a):
    pledge = PledgeFactory(lead=actor_a)

    response = admin_client.get(reverse("admin:reviews_pledge_change", args=[pledge.pk]))

    assert response.status_code == 200
    assert "status" not in response.context["adminform"].form.fields
    assert 'name="status"' not in response.content.decode()


def test_the_admin_publish_action_publishes_through_the_service(
    admin_client, administrator, actor_a
):
    submitted = PledgeFactory(lead=actor_a, submitted=True)
    draft = PledgeFactory(lead=actor_a)

    response = admin_client.post(
        reverse("admin:reviews_pledge_changelist"),
        {"action": "publish", "_selected_action": [submitted.pk, draft.pk]},
        follow=True,
    )

    assert response.status_code == 200
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == S.PUBLISHED
    assert draft.status == S.DRAFT
    step = PledgeTransition.objects.get()
    assert (step.pledge, step.from_status, step.to_status) == (submitted, S.SUBMITTED, S.PUBLISHED)
    assert (step.user, step.actor) == (administrator, None)
    assert any("cannot be published" in str(m) for m in response.context["messages"])
