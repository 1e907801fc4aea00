"""Every persona × every pledge page and action, with exact outcomes.

Outcomes are those of tests/matrix.py ("join": pledges are made by organisations, so someone
without one is sent to "my organisations"). A step the role allows but the pledge's state does
not is a 409. Another organisation's draft is a 404:
nothing tells an outsider it exists. A partner sees the pledge naming it, not the lead's other
drafts.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from actors.models import Membership
from reviews.models import Pledge, PledgePartner, PledgeTransition, ProgressUpdate
from tests.conftest import PERSONAS
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    VerifiedUserFactory,
    give_mfa,
    pledge_form_data,
)
from tests.matrix import assert_cell, denials, done_when, make_table, outcome

pytestmark = pytest.mark.django_db

ALL = [*PERSONAS, "partner_c"]


table = make_table(ALL)


SEE_DRAFT = table(
    anonymous="404",
    verified_user="404",
    contributor_a="200",
    focal_a="200",
    focal_a_without_mfa="200",
    focal_b="404",
    moderator="200",
    moderator_without_mfa="404",  # drafts need the second factor
    administrator="200",
    administrator_without_mfa="404",
    partner_c="200",
)
SEE_OTHER_DRAFT = {**SEE_DRAFT, "partner_c": "404"}
SEE_PUBLISHED = dict.fromkeys(ALL, "200")
EDIT = table(
    anonymous="login",
    verified_user="404",
    contributor_a="200",
    focal_a="200",
    focal_a_without_mfa="200",
    focal_b="404",
    moderator="403",
    moderator_without_mfa="404",  # cannot see drafts without MFA
    administrator="403",
    administrator_without_mfa="404",
    partner_c="403",
)
CREATE = table(
    anonymous="login",
    verified_user="join",
    contributor_a="200",
    focal_a="200",
    focal_a_without_mfa="200",
    focal_b="200",
    moderator="join",
    moderator_without_mfa="join",
    administrator="join",
    administrator_without_mfa="join",
    partner_c="200",
)
CREATE_FOR_A = {
    **done_when(CREATE),
    "focal_b": "404",
    "partner_c": "404",
}
SUBMIT = table(
    anonymous="login",
    verified_user="404",
    contributor_a="403",
    focal_a="done",
    focal_a_without_mfa="mfa",
    focal_b="404",
    moderator="403",
    moderator_without_mfa="404",
    administrator="403",
    administrator_without_mfa="404",
    partner_c="403",
)
WITHDRAW = {
    **SUBMIT,
    "verified_user": "403",
    "focal_b": "403",
    "moderator_without_mfa": "403",
    "administrator_without_mfa": "403",  # sees the published pledge; not its focal point
}
MODERATE = table(
    anonymous="login",
    verified_user="404",
    contributor_a="403",
    focal_a="403",
    focal_a_without_mfa="403",
    focal_b="404",
    moderator="done",
    moderator_without_mfa="mfa",
    administrator="done",
    administrator_without_mfa="mfa",
    partner_c="404",
)
PARTNERSHIP = table(
    anonymous="login",
    verified_user="404",
    contributor_a="403",
    focal_a="403",
    focal_a_without_mfa="403",
    focal_b="404",
    moderator="403",
    moderator_without_mfa="404",
    administrator="403",
    administrator_without_mfa="404",
    partner_c="done",
)
REPORT = table(
    anonymous="login",
    verified_user="403",
    contributor_a="done",
    focal_a="done",
    focal_a_without_mfa="done",
    focal_b="403",
    moderator="403",
    moderator_without_mfa="403",
    administrator="403",
    administrator_without_mfa="403",
    partner_c="done",
)
MINE = {persona: "login" if persona == "anonymous" else "200" for persona in ALL}
QUEUE = table(
    anonymous="login",
    verified_user="404",
    contributor_a="404",
    focal_a="404",
    focal_a_without_mfa="404",
    focal_b="404",
    moderator="200",
    moderator_without_mfa="mfa",
    administrator="200",
    administrator_without_mfa="mfa",
    partner_c="404",
)


@pytest.fixture
def actor_c(db):
    return ActorFactory(name="Organisation C", slug="organisation-c")


@pytest.fixture
def partner_c(actor_c):
    """A focal point (with MFA) of organisation C, named as partner on A's joint draft."""
    user = VerifiedUserFactory(display_name="Cai Partner")
    MembershipFactory(user=user, actor=actor_c, role=Membership.Role.FOCAL_POINT)
    give_mfa(user)
    return user


@pytest.fixture
def world(actor_a, actor_c):
    draft = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT, title="A's joint draft")
    draft.attachment.save("plan.pdf", ContentFile(b"%PDF-1.4 plan"), save=False)
    draft.attachment_name, draft.attachment_type = "plan.pdf", "application/pdf"
    draft.save()
    published = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT, published=True)
    return {
        "draft": draft,
        "partnership": PledgePartnerFactory(pledge=draft, actor=actor_c),
        "other_draft": PledgeFactory(lead=actor_a, title="A's other draft"),
        "submitted": PledgeFactory(lead=actor_a, submitted=True),
        "published": published,
        "confirmed": PledgePartnerFactory(
            pledge=published, actor=actor_c, status=PledgePartner.Status.CONFIRMED
        ),
    }


def _actions(world, persona):
    draft, published, submitted = world["draft"], world["published"], world["submitted"]
    partnership = world["partnership"]
    reporter = world["confirmed"].actor if persona == "partner_c" else published.lead
    report = {"actor": reporter.pk, "date": "2025-01-10", "stage": "completed", "narrative": "Ok"}
    progress_url = reverse("reviews:pledge-progress", args=[published.pk])
    return {
        "detail-draft": ("get", draft.get_absolute_url(), {}, SEE_DRAFT),
        "detail-other-draft": ("get", world["other_draft"].get_absolute_url(), {}, SEE_OTHER_DRAFT),
        "detail-published": ("get", published.get_absolute_url(), {}, SEE_PUBLISHED),
        "edit-page": ("get", reverse("reviews:pledge-edit", args=[draft.pk]), {}, EDIT),
        "edit-save": (
            "post",
            reverse("reviews:pledge-edit", args=[draft.pk]),
            pledge_form_data(draft, title="Edited title", partners=[partnership.actor_id]),
            done_when(EDIT),
        ),
        "create-page": ("get", reverse("reviews:pledge-create"), {}, CREATE),
        "create-save": (
            "post",
            reverse("reviews:pledge-create"),
            pledge_form_data(lead=draft.lead_id, title="A brand new draft"),
            CREATE_FOR_A,
        ),
        "submit": ("post", _step(draft, "submit"), {}, SUBMIT),
        "withdraw": ("post", _step(published, "withdraw"), {"reason": "Ended"}, WITHDRAW),
        "publish": ("post", _step(submitted, "publish"), {}, MODERATE),
        "return": ("post", _step(submitted, "return"), {"reason": "Fix it"}, MODERATE),
        "reject": ("post", _step(submitted, "reject"), {"reason": "GCR"}, MODERATE),
        "confirm": ("post", _partnership(partnership, "confirm"), {}, PARTNERSHIP),
        "decline": ("post", _partnership(partnership, "decline"), {}, PARTNERSHIP),
        "progress": ("post", progress_url, report, REPORT),
        "attachment": ("get", reverse("reviews:pledge-attachment", args=[draft.pk]), {}, SEE_DRAFT),
        "my-pledges": ("get", reverse("reviews:pledge-mine"), {}, MINE),
        "moderation": ("get", reverse("reviews:moderation"), {}, QUEUE),
    }


def _step(pledge, step):
    return reverse("reviews:pledge-transition", args=[pledge.pk, step])


def _partnership(partnership, decision):
    return reverse(
        "reviews:pledge-partnership", args=[partnership.pledge_id, partnership.pk, decision]
    )


ACTION_NAMES = [
    "detail-draft",
    "detail-other-draft",
    "detail-published",
    "edit-page",
    "edit-save",
    "create-page",
    "create-save",
    "submit",
    "withdraw",
    "publish",
    "return",
    "reject",
    "confirm",
    "decline",
    "progress",
    "attachment",
    "my-pledges",
    "moderation",
]
# Refusals that go through portal.access.enforce, which logs each one.
LOGGED = set(ACTION_NAMES) - {"create-page", "create-save", "my-pledges"}


def state():
    """Everything a pledge action could change."""
    return (
        tuple(Pledge.objects.order_by("pk").values_list("pk", "status", "title", "version")),
        tuple(PledgePartner.objects.order_by("pk").values_list("pk", "status", "decided_by")),
        PledgeTransition.objects.count(),
        ProgressUpdate.objects.count(),
    )


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("action", ACTION_NAMES)
def test_pledge_permission_matrix(client, as_persona, world, caplog, persona, action):
    as_persona(persona)
    method, url, data, expected = _actions(world, persona)[action]
    before = state()

    with denials(caplog) as denied:
        response = getattr(client, method)(url, data)

    assert_cell(
        outcome(response, joins=True),
        expected[persona],
        method=method,
        before=before,
        after=state(),
        denied=denied,
        logged=action in LOGGED,
    )


@pytest.mark.parametrize("persona", ["focal_b", "partner_c", "verified_user"])
def test_another_organisations_drafts_do_not_leak_into_lists(client, as_persona, world, persona):
    as_persona(persona)

    mine = client.get(reverse("reviews:pledge-mine")).content.decode()
    public = client.get(reverse("reviews:pledge-list")).content.decode()

    for page in (mine, public):
        assert "A&#x27;s other draft" not in page
        assert world["submitted"].title not in page
    assert world["published"].title in public


def test_a_partner_is_asked_to_confirm_on_its_pledges_page(client, partner_c, world):
    client.force_login(partner_c)

    response = client.get(reverse("reviews:pledge-mine"))

    assert list(response.context["partnerships"]) == [world["partnership"]]
    assert response.context["sections"] == [], "C leads no pledge of its own"


def test_a_partnership_of_another_pledge_cannot_be_decided_through_this_one(
    client, partner_c, world
):
    client.force_login(partner_c)

    response = client.post(
        reverse(
            "reviews:pledge-partnership",
            args=[world["published"].pk, world["partnership"].pk, "confirm"],
        )
    )

    assert response.status_code == 404
    world["partnership"].refresh_from_db()
    assert world["partnership"].status == PledgePartner.Status.PENDING


def test_an_unknown_pledge_is_a_404_for_everyone(client, administrator):
    client.force_login(administrator)

    assert client.get(reverse("reviews:pledge-detail", args=[987654])).status_code == 404
    assert client.get(reverse("reviews:pledge-edit", args=[987654])).status_code == 404
