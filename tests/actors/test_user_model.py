import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import Membership
from tests.factories import ActorFactory, MembershipFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_users_sign_in_with_their_email_address():
    User.objects.create_user("Focal.Point@Example.org", "s3cret-passphrase", display_name="Ana")

    user = authenticate(email="Focal.Point@example.org", password="s3cret-passphrase")

    assert user is not None
    assert str(user) == "Ana"


def test_email_addresses_are_unique_whatever_their_case():
    UserFactory(email="someone@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="SOMEONE@example.org")])
    with pytest.raises(ValidationError, match="already exists"):
        User.objects.create_user("Someone@Example.org", "another-passphrase")


def test_create_superuser_gets_admin_rights():
    admin = User.objects.create_superuser("admin@example.org", "long-admin-passphrase")

    assert admin.is_staff and admin.is_superuser


def test_a_user_belongs_to_an_organisation_once():
    membership = MembershipFactory(role=Membership.Role.FOCAL_POINT)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, actor=membership.actor)
    other = MembershipFactory(user=membership.user, actor=ActorFactory())
    assert set(membership.user.memberships.values_list("actor", flat=True)) == {
        membership.actor_id,
        other.actor_id,
    }


# Who is told of what: the recipient lists, written once on the user queryset.


@pytest.fixture
def organisation_a(actor_a, focal_a, focal_a_without_mfa, contributor_a, focal_b):
    """A's focal points and contributor, a retired focal point and contributor of A, and B's
    focal point."""
    for role in Membership.Role.values:
        MembershipFactory(actor=actor_a, role=role, user=UserFactory(is_active=False))
    return actor_a


def test_focal_points_of_an_organisation_are_its_active_focal_points_only(
    organisation_a, focal_a, focal_a_without_mfa
):
    expected = {focal_a, focal_a_without_mfa}
    assert set(User.objects.focal_points_of(organisation_a)) == expected
    assert set(User.objects.focal_points_of(organisation_a.pk)) == expected
    assert User.objects.focal_points_of(ActorFactory()).count() == 0


def test_members_of_an_organisation_are_its_active_members_whatever_their_role(
    organisation_a, focal_a, focal_a_without_mfa, contributor_a
):
    members = User.objects.members_of(organisation_a)

    assert set(members) == {focal_a, focal_a_without_mfa, contributor_a}
    assert members.count() == 3, "each member once"


def test_moderators_are_the_active_members_of_the_moderators_group(
    moderator, moderator_without_mfa, administrator, focal_a
):
    ModeratorFactory(is_active=False)
    UserFactory(is_staff=True)

    assert set(User.objects.moderators()) == {moderator, moderator_without_mfa}
