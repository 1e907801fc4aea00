"""Every persona × every organisation page and action of the accounts issue, with exact outcomes.

Outcomes: "200"/"403"/"404" are statuses; "login" and "mfa" are redirects to the sign-in page
and to the MFA set-up page; "done" is the redirect that follows a successful action.
Another organisation's internal pages are a 404: nothing tells an outsider they exist.
"""

import logging

import pytest
from django.urls import reverse

from actors.models import Actor, JoinRequest, Membership
from tests.conftest import PERSONAS
from tests.factories import MembershipFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

MANAGE = {
    "anonymous": "login",
    "verified_user": "404",
    "contributor_a": "403",
    "focal_a": "200",
    "focal_a_without_mfa": "mfa",
    "focal_b": "404",
    "moderator": "404",
    "moderator_without_mfa": "404",
    "administrator": "200",
}
MANAGE_POST = {persona: "done" if v == "200" else v for persona, v in MANAGE.items()}
JOIN = {
    "anonymous": "login",
    "verified_user": "200",
    "contributor_a": "403",
    "focal_a": "403",
    "focal_a_without_mfa": "403",
    "focal_b": "200",
    "moderator": "200",
    "moderator_without_mfa": "200",
    "administrator": "200",
}
JOIN_POST = {persona: "done" if v == "200" else v for persona, v in JOIN.items()}
MODERATION = {
    "anonymous": "login",
    "verified_user": "404",
    "contributor_a": "404",
    "focal_a": "404",
    "focal_a_without_mfa": "404",
    "focal_b": "404",
    "moderator": "200",
    "moderator_without_mfa": "mfa",
    "administrator": "200",
}
OWN_PAGES = {persona: "login" if persona == "anonymous" else "200" for persona in PERSONAS}


@pytest.fixture
def world(actor_a):
    """A pending join request and a second contributor in organisation A."""
    requester = VerifiedUserFactory(display_name="Rey Quester")
    colleague = MembershipFactory(
        actor=actor_a, user=VerifiedUserFactory(display_name="Col League")
    )
    return {
        "actor": actor_a,
        "join_request": JoinRequest.objects.create(user=requester, actor=actor_a, message="Hi"),
        "colleague": colleague,
    }


def _actions(world):
    slug = world["actor"].slug
    jr = world["join_request"].pk
    member = world["colleague"].pk
    return {
        "join-page": ("get", reverse("actors:join", args=[slug]), {}, JOIN),
        "join-send": ("post", reverse("actors:join", args=[slug]), {"message": "Me"}, JOIN_POST),
        "requests": ("get", reverse("actors:join-requests", args=[slug]), {}, MANAGE),
        "approve": (
            "post",
            reverse("actors:join-request-decide", args=[slug, jr, "approve"]),
            {"role": "contributor"},
            MANAGE_POST,
        ),
        "refuse": (
            "post",
            reverse("actors:join-request-decide", args=[slug, jr, "refuse"]),
            {"reason": "Not known to us"},
            MANAGE_POST,
        ),
        "edit-page": ("get", reverse("actors:edit", args=[slug]), {}, MANAGE),
        "edit-save": (
            "post",
            reverse("actors:edit", args=[slug]),
            {"short_name": "OA", "description": "Changed", "website": "", "country": ""},
            MANAGE_POST,
        ),
        "members": ("get", reverse("actors:members", args=[slug]), {}, MANAGE),
        "member-role": (
            "post",
            reverse("actors:member-update", args=[slug, member, "role"]),
            {"role": "focal-point"},
            MANAGE_POST,
        ),
        "member-remove": (
            "post",
            reverse("actors:member-update", args=[slug, member, "remove"]),
            {},
            MANAGE_POST,
        ),
        "moderation": ("get", reverse("reviews:moderation"), {}, MODERATION),
        "my-organisations": ("get", reverse("actors:my-organisations"), {}, OWN_PAGES),
        "profile": ("get", reverse("actors:profile"), {}, OWN_PAGES),
        "security": ("get", reverse("actors:security"), {}, OWN_PAGES),
        "delete-account": ("get", reverse("actors:delete-account"), {}, OWN_PAGES),
    }


ACTION_NAMES = [
    "join-page",
    "join-send",
    "requests",
    "approve",
    "refuse",
    "edit-page",
    "edit-save",
    "members",
    "member-role",
    "member-remove",
    "moderation",
    "my-organisations",
    "profile",
    "security",
    "delete-account",
]
GUARDED = set(ACTION_NAMES) - {"my-organisations", "profile", "security", "delete-account"}


def outcome(response) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    if location.startswith(reverse("account_login")):
        return "login"
    if location.startswith(reverse("mfa_activate_totp")):
        return "mfa"
    return "done"


def state(world):
    world["join_request"].refresh_from_db()
    world["actor"].refresh_from_db()
    return (
        world["join_request"].status,
        world["actor"].description,
        tuple(
            Membership.objects.filter(actor=world["actor"])
            .order_by("pk")
            .values_list("user_id", "role")
        ),
        JoinRequest.objects.count(),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ACTION_NAMES)
def test_permission_matrix(client, as_persona, world, caplog, persona, action):
    method, url, data, expected = _actions(world)[action]
    as_persona(persona)
    before = state(world)

    with caplog.at_level(logging.WARNING, logger="portal.security"):
        response = getattr(client, method)(url, data)

    assert outcome(response) == expected[persona]
    if expected[persona] in {"login", "mfa", "403", "404"}:
        assert state(world) == before, "a refused action changed nothing"
        if action in GUARDED:
            assert any("access denied" in r.getMessage() for r in caplog.records)
    elif method == "post":
        assert state(world) != before, "an allowed action took effect"


@pytest.mark.parametrize("persona", ["focal_a", "administrator"])
def test_a_request_of_another_organisation_cannot_be_decided_through_this_one(
    client, as_persona, actor_b, persona
):
    as_persona(persona)
    elsewhere = JoinRequest.objects.create(user=VerifiedUserFactory(), actor=actor_b)

    response = client.post(
        reverse("actors:join-request-decide", args=["organisation-a", elsewhere.pk, "approve"]),
        {"role": "contributor"},
    )

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == JoinRequest.Status.PENDING


def test_unknown_organisation_is_a_404_for_everyone(client, focal_a):
    client.force_login(focal_a)

    assert client.get(reverse("actors:join-requests", args=["no-such-org"])).status_code == 404
    assert client.get(reverse("actors:join", args=["no-such-org"])).status_code == 404


def test_a_proposed_organisation_is_hidden_from_everyone_but_its_proposer(client, verified_user):
    proposal = Actor.objects.create(
        name="Proposed Org",
        slug="proposed-org",
        kind="civil-society",
        status="proposed",
        proposed_by=verified_user,
    )
    outsider = VerifiedUserFactory()

    assert client.get(proposal.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert client.get(reverse("actors:join", args=[proposal.slug])).status_code == 404
    client.force_login(verified_user)
    assert client.get(proposal.get_absolute_url()).status_code == 200
    assert proposal not in client.get(reverse("actors:actor-list")).context["page"]
