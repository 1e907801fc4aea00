"""API personas: the shared personas, plus a partner; some sign in with a token, some with a
session, as the API's clients do (a state's IT system, a person in the browsable docs)."""

import pytest
from rest_framework.test import APIClient

from actors.models import ApiToken, Membership
from reviews.models import Pledge, PledgePartner
from tests.conftest import PERSONAS
from tests.factories import (
    ActorFactory,
    CommentFactory,
    MembershipFactory,
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    VerifiedUserFactory,
    give_mfa,
)

API_PERSONAS = [*PERSONAS, "partner_c"]
# The others sign in with a session (force_login; the CSRF check is tested on its own).
TOKEN_PERSONAS = {"contributor_a", "focal_a", "focal_b", "moderator", "partner_c"}


@pytest.fixture
def actor_c(db):
    return ActorFactory(name="Organisation C", slug="organisation-c")


@pytest.fixture
def partner_c(actor_c):
    """A focal point (with MFA) of organisation C, which A names as partner."""
    user = VerifiedUserFactory(display_name="Cai Partner")
    MembershipFactory(user=user, actor=actor_c, role=Membership.Role.FOCAL_POINT)
    give_mfa(user)
    return user


@pytest.fixture
def world(actor_a, actor_b, actor_c, verified_user):
    """A's drafts (one joint, naming C), a submitted and a published pledge of A (C a
    confirmed partner), B's draft, a progress update, a comment and a hidden comment."""
    draft = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT, title="A's joint draft")
    PledgePartnerFactory(pledge=draft, actor=actor_c)
    published = PledgeFactory(lead=actor_a, kind=Pledge.Kind.JOINT, published=True)
    PledgePartnerFactory(pledge=published, actor=actor_c, status=PledgePartner.Status.CONFIRMED)
    return {
        "draft": draft,
        "other_draft": PledgeFactory(lead=actor_a, title="A's other draft"),
        "submitted": PledgeFactory(lead=actor_a, submitted=True),
        "published": published,
        "b_draft": PledgeFactory(lead=actor_b, title="B's draft"),
        "update": ProgressUpdateFactory(pledge=published),
        "comment": CommentFactory(pledge=published, author=verified_user),
        "hidden": CommentFactory(
            pledge=published, author=verified_user, is_hidden=True, hidden_reason="Spam"
        ),
    }


def set_throttle_rates(settings, anon: str, user: str) -> None:
    """The API throttle's rates for one test (portal/throttling.py reads them per request)."""
    rates = {"anon": anon, "user": user}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def token_client(user) -> APIClient:
    _, key = ApiToken.objects.create_for(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_as(request, actor_a):
    """An APIClient signed in as the named persona (token or session), or anonymous."""

    def sign_in(persona: str) -> APIClient:
        if persona == "anonymous":
            return APIClient()
        user = request.getfixturevalue(persona)
        if persona in TOKEN_PERSONAS:
            return token_client(user)
        client = APIClient()
        client.force_login(user)
        return client

    return sign_in


def ids(response) -> set[int]:
    """The ids on one page of a list response."""
    return {row["id"] for row in response.json()["results"]}


def assert_json_error(response, status, detail=None) -> dict:
    """The response is a JSON error object with this status (and this text in its detail)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body, dict)
    assert body
    if detail is not None:
        assert detail in body["detail"]
    return body
