"""Shared fixtures: the reference data, and the personas of the permission matrix.

Personas (STYLE 14): anonymous, a verified user without organisation, contributor of A, focal point
of A (with and without MFA), focal point of another organisation B, moderator and administrator
(each with and without MFA). Each persona fixture returns the user; `as_persona` signs in.
"""

import pytest
from django.core.cache import cache
from pytest_django.plugin import blocking_manager_key

from actors.models import Actor, Membership
from reviews.reference import load_reference
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    ModeratorFactory,
    VerifiedUserFactory,
    give_mfa,
)

# The matrices' shared checks report their values like any test's assertions.
pytest.register_assert_rewrite("tests.matrix")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the curated reference data, as a deployment does."""
    with django_db_blocker.unblock():
        load_reference(verbosity=0)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table; put the reference data back."""
    result = yield
    if _is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            load_reference(verbosity=0)
    return result


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def actor_a(db):
    return ActorFactory(name="Organisation A", slug="organisation-a", kind=Actor.Kind.CIVIL_SOCIETY)


@pytest.fixture
def actor_b(db):
    return ActorFactory(name="Organisation B", slug="organisation-b", kind=Actor.Kind.MEMBER_STATE)


@pytest.fixture
def verified_user(db):
    return VerifiedUserFactory(display_name="Vera Verified")


@pytest.fixture
def contributor_a(actor_a):
    user = VerifiedUserFactory(display_name="Cora Contributor")
    MembershipFactory(user=user, actor=actor_a, role=Membership.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def focal_a(actor_a):
    user = VerifiedUserFactory(display_name="Fola Focal")
    MembershipFactory(user=user, actor=actor_a, role=Membership.Role.FOCAL_POINT)
    give_mfa(user)
    return user


@pytest.fixture
def focal_a_without_mfa(actor_a):
    user = VerifiedUserFactory(display_name="Nomfa Focal")
    MembershipFactory(user=user, actor=actor_a, role=Membership.Role.FOCAL_POINT)
    return user


@pytest.fixture
def focal_b(actor_b):
    user = VerifiedUserFactory(display_name="Bea Other")
    MembershipFactory(user=user, actor=actor_b, role=Membership.Role.FOCAL_POINT)
    give_mfa(user)
    return user


@pytest.fixture
def moderator(db):
    user = ModeratorFactory(display_name="Mo Derator")
    give_mfa(user)
    return user


@pytest.fixture
def moderator_without_mfa(db):
    return ModeratorFactory(display_name="Mo Nomfa")


@pytest.fixture
def administrator(db):
    user = VerifiedUserFactory(display_name="Ada Admin", is_staff=True, is_superuser=True)
    give_mfa(user)
    return user


@pytest.fixture
def administrator_without_mfa(db):
    return VerifiedUserFactory(display_name="Ada Nomfa", is_staff=True, is_superuser=True)


PERSONAS = [
    "anonymous",
    "verified_user",
    "contributor_a",
    "focal_a",
    "focal_a_without_mfa",
    "focal_b",
    "moderator",
    "moderator_without_mfa",
    "administrator",
    "administrator_without_mfa",
]


@pytest.fixture
def as_persona(request, client, actor_a):
    """Sign the test client in as the named persona (or leave it anonymous)."""

    def sign_in(name):
        if name == "anonymous":
            return None
        user = request.getfixturevalue(name)
        client.force_login(user)
        return user

    return sign_in
