"""Every persona × every organisation and account page and action, with exact outcomes.

Outcomes are those of tests/matrix.py. Another organisation's internal pages are a 404: nothing
tells an outsider they exist. The powers of focal points, moderators and administrators wait
for their second factor ("mfa").
"""

import pytest
from django.urls import reverse

from actors.models import (
    Actor,
    ApiToken,
    JoinRequest,
    Membership,
    Notification,
    NotificationPreference,
)
from actors.models.notifications import Kind
from tests.conftest import PERSONAS
from tests.factories import MembershipFactory, VerifiedUserFactory
from tests.matrix import assert_cell, denials, done_when, make_table, outcome

pytestmark = pytest.mark.django_db

table = make_table(PERSONAS)

MANAGE = table(
    anonymous="login",
    verified_user="404",
    contributor_a="403",
    focal_a="200",
    focal_a_without_mfa="mfa",
    focal_b="404",
    moderator="404",
    moderator_without_mfa="404",
    administrator="200",
    administrator_without_mfa="mfa",
)
MANAGE_POST = done_when(MANAGE)
JOIN = table(
    anonymous="login",
    verified_user="200",
    contributor_a="403",
    focal_a="403",
    focal_a_without_mfa="403",
    focal_b="200",
    moderator="200",
    moderator_without_mfa="200",
    administrator="200",
    administrator_without_mfa="200",
)
JOIN_POST = done_when(JOIN)
MODERATION = table(
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
)
OWN_PAGES = {persona: "login" if persona == "anonymous" else "200" for persona in PERSONAS}
OWN_POSTS = done_when(OWN_PAGES)
# Making an API token asks for the password again first: a session alone is not enough.
TOKEN_CREATE = {p: "reauth" if value == "200" else value for p, value in OWN_PAGES.items()}
# Acting for organisation A: its members; for anyone else it is not theirs to choose.
ACT_FOR_A = {
    **dict.fromkeys(PERSONAS, "404"),
    "anonymous": "login",
    "contributor_a": "done",
    "focal_a": "done",
    "focal_a_without_mfa": "done",
}


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
        "tokens": ("get", reverse("actors:api-tokens"), {}, OWN_PAGES),
        # Without a recent reauthentication: sent to give the password again, nothing made.
        "token-create": ("post", reverse("actors:api-tokens"), {"name": "Reports"}, TOKEN_CREATE),
        "notifications": ("get", reverse("actors:notifications"), {}, OWN_PAGES),
        "notifications-read": ("post", reverse("actors:notifications"), {}, OWN_POSTS),
        "notification-settings": (
            "get",
            reverse("actors:notification-settings"),
            {},
            OWN_PAGES,
        ),
        "notification-settings-save": (
            "post",
            reverse("actors:notification-settings"),
            # Every kind (those offered to moderators only are ignored for others).
            dict.fromkeys(Kind.values, "daily"),
            OWN_POSTS,
        ),
        "act-for-a": (
            "post",
            reverse("actors:acting-for"),
            {"actor": world["actor"].pk, "next": "/"},
            ACT_FOR_A,
        ),
        "propose": ("get", reverse("actors:propose"), {}, OWN_PAGES),
        "propose-send": (
            "post",
            reverse("actors:propose"),
            {"name": "A New Network", "kind": "civil-society", "proposal_note": "Youth in Dakar."},
            OWN_POSTS,
        ),
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
    "tokens",
    "token-create",
    "notifications",
    "notifications-read",
    "notification-settings",
    "notification-settings-save",
    "act-for-a",
    "propose",
    "propose-send",
]
# Refusals that go through the permission functions, which log each one (a visitor who is not
# signed in is sent to the sign-in page by Django's login_required, which logs nothing).
OWN = {a for a in ACTION_NAMES if a.startswith(("my-", "profile", "security", "delete", "token"))}
OWN |= {a for a in ACTION_NAMES if a.startswith(("notification", "propose"))}
GUARDED = set(ACTION_NAMES) - OWN


def state(world, client):
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
        ApiToken.objects.count(),
        Notification.objects.filter(read_at__isnull=True).count(),
        tuple(NotificationPreference.objects.order_by("pk").values_list("kind", "frequency")),
        Actor.objects.count(),
        client.session.get("acting_for_actor_id"),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ACTION_NAMES)
def test_permission_matrix(client, as_persona, world, caplog, persona, action):
    method, url, data, expected = _actions(world)[action]
    user = as_persona(persona)
    if user is not None:  # something to mark as read
        Notification.objects.create(user=user, kind="reply", frequency="off", title="Hi", url="/")
    before = state(world, client)

    with denials(caplog) as denied:
        response = getattr(client, method)(url, data)

    assert_cell(
        outcome(response),
        expected[persona],
        method=method,
        before=before,
        after=state(world, client),
        denied=denied,
        # login_required sends anonymous visitors to sign in without a log line.
        logged=action in GUARDED and not (persona == "anonymous" and action == "act-for-a"),
    )


def test_acting_in_ones_own_name_again_is_a_harmless_redirect(client, contributor_a):
    client.force_login(contributor_a)

    response = client.post(reverse("actors:acting-for"), {"actor": "", "next": "/"})

    assert outcome(response) == "done"
    assert "acting_for_actor_id" not in client.session


def test_revoking_someone_elses_token_changes_nothing(client, focal_a, focal_b):
    token, _key = ApiToken.objects.create_for(user=focal_b, name="B's reports")
    client.force_login(focal_a)

    client.post(reverse("actors:api-tokens"), {"revoke": token.pk})

    token.refresh_from_db()
    assert token.revoked_at is None


def test_marking_notifications_read_touches_only_ones_own(client, focal_a, focal_b):
    theirs = Notification.objects.create(user=focal_b, kind="reply", frequency="off", title="B")
    mine = Notification.objects.create(user=focal_a, kind="reply", frequency="off", title="A")
    client.force_login(focal_a)

    client.post(reverse("actors:notifications"), {"notification": [theirs.pk, mine.pk]})

    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None
    assert mine.read_at is not None


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
