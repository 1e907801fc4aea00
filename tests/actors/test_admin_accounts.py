"""Memberships and accounts in the admin: roles change and memberships end through the services
(an organisation always keeps a focal point), and roles on accounts are granted by administrators
only."""

import pytest
from django import forms
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from actors.models import MODERATORS_GROUP, Actor, Membership, User
from tests.factories import ActorFactory, MembershipFactory, VerifiedUserFactory, give_mfa

pytestmark = pytest.mark.django_db

FOCAL, CONTRIBUTOR = Membership.Role.FOCAL_POINT, Membership.Role.CONTRIBUTOR
NEEDS_FOCAL_POINT = "An organisation needs at least one focal point"


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def org():
    """An organisation with one focal point and one contributor."""
    actor = ActorFactory(name="Organisation F", slug="organisation-f")
    MembershipFactory(actor=actor, user__email="b-focal@example.org", role=FOCAL)
    MembershipFactory(actor=actor, user__email="a-contributor@example.org", role=CONTRIBUTOR)
    return actor


def member(actor: Actor, email: str) -> Membership:
    return Membership.objects.get(actor=actor, user__email=email)


def roles(actor: Actor) -> dict[str, str]:
    return dict(actor.memberships.values_list("user__email", "role"))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def resubmit(page, **changes) -> dict:
    """What an admin change page posts when saved as it stands, with `changes` applied (None
    leaves a field out)."""
    parts = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        parts += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for part in parts:
        for name, field in part.fields.items():
            if field.disabled or isinstance(field, forms.FileField):
                continue
            value = part[name].value()
            if isinstance(field, forms.BooleanField):
                value = "on" if value else None
            elif value is None:
                value = ""
            data[part.add_prefix(name)] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def membership_url(membership: Membership, view: str = "change") -> str:
    return reverse(f"admin:actors_membership_{view}", args=[membership.pk])


# The membership admin ------------------------------------------------------------------------


def test_the_last_focal_point_cannot_be_made_contributor(admin_client, org):
    focal = member(org, "b-focal@example.org")

    response = admin_client.post(membership_url(focal), {"role": CONTRIBUTOR})

    assert response.status_code == 302
    assert response.url == membership_url(focal)
    assert any(NEEDS_FOCAL_POINT in message for message in messages_of(response))
    focal.refresh_from_db()
    assert focal.role == FOCAL


def test_a_focal_point_steps_down_once_another_is_named(admin_client, org):
    admin_client.post(membership_url(member(org, "a-contributor@example.org")), {"role": FOCAL})

    focal = member(org, "b-focal@example.org")
    response = admin_client.post(membership_url(focal), {"role": CONTRIBUTOR})

    assert response.status_code == 302
    assert roles(org) == {"a-contributor@example.org": FOCAL, "b-focal@example.org": CONTRIBUTOR}


def test_a_saved_membership_keeps_its_person_and_organisation(admin_client, org, actor_b):
    contributor = member(org, "a-contributor@example.org")
    someone_else = VerifiedUserFactory()
    page = admin_client.get(membership_url(contributor))
    assert page.status_code == 200
    assert page.context["adminform"].form.fields["user"].disabled

    admin_client.post(
        membership_url(contributor),
        {"user": someone_else.pk, "actor": actor_b.pk, "role": CONTRIBUTOR},
    )

    contributor.refresh_from_db()
    assert (contributor.user.email, contributor.actor) == ("a-contributor@example.org", org)
    assert not actor_b.memberships.exists()


def test_a_membership_is_added_as_a_plain_row(admin_client, actor_b):
    person = VerifiedUserFactory()

    response = admin_client.post(
        reverse("admin:actors_membership_add"),
        {"user": person.pk, "actor": actor_b.pk, "role": FOCAL},
    )

    assert response.status_code == 302
    assert Membership.objects.get(actor=actor_b).user == person


def test_the_last_focal_point_cannot_be_removed(admin_client, org):
    focal = member(org, "b-focal@example.org")

    response = admin_client.post(membership_url(focal, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert any(NEEDS_FOCAL_POINT in message for message in messages_of(response))
    assert Membership.objects.filter(pk=focal.pk).exists()


def test_removing_in_bulk_is_undone_when_it_would_leave_no_focal_point(admin_client, org):
    selected = list(org.memberships.all())

    response = admin_client.post(
        reverse("admin:actors_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in selected], "post": "yes"},
    )

    assert response.status_code == 302
    assert any(NEEDS_FOCAL_POINT in message for message in messages_of(response))
    # The contributor's removal came first, and was undone with the rest.
    assert org.memberships.count() == 2


def test_removing_a_contributor_in_bulk_works(admin_client, org):
    contributor = member(org, "a-contributor@example.org")

    admin_client.post(
        reverse("admin:actors_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [contributor.pk], "post": "yes"},
    )

    assert roles(org) == {"b-focal@example.org": FOCAL}


# The memberships inlines of an organisation and of an account ------------------------------------


def actor_page(client, actor: Actor):
    url = reverse("admin:actors_actor_change", args=[actor.pk])
    return url, client.get(url)


def inline_index(page, email: str) -> int:
    formset = page.context["inline_admin_formsets"][0].formset
    return next(i for i, form in enumerate(formset.forms) if form.instance.user.email == email)


def test_the_organisation_page_refuses_to_demote_its_last_focal_point(admin_client, org):
    url, page = actor_page(admin_client, org)
    focal = inline_index(page, "b-focal@example.org")

    response = admin_client.post(
        url, resubmit(page, name="Renamed", **{f"memberships-{focal}-role": CONTRIBUTOR})
    )

    assert response.status_code == 302
    assert response.url == url
    assert any(NEEDS_FOCAL_POINT in message for message in messages_of(response))
    org.refresh_from_db()
    assert org.name == "Organisation F"  # the whole save is undone
    assert roles(org)["b-focal@example.org"] == FOCAL


def test_the_organisation_page_hands_the_focal_point_over_in_one_save(admin_client):
    actor = ActorFactory()
    # The focal point's row comes first on the page: its step down waits for the promotion.
    MembershipFactory(actor=actor, user__email="a-focal@example.org", role=FOCAL)
    MembershipFactory(actor=actor, user__email="b-contributor@example.org", role=CONTRIBUTOR)
    url, page = actor_page(admin_client, actor)
    focal = inline_index(page, "a-focal@example.org")
    contributor = inline_index(page, "b-contributor@example.org")
    assert focal < contributor

    response = admin_client.post(
        url,
        resubmit(
            page,
            **{f"memberships-{focal}-role": CONTRIBUTOR, f"memberships-{contributor}-role": FOCAL},
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "was changed successfully" in messages_of(response)[-1]
    assert roles(actor) == {"a-focal@example.org": CONTRIBUTOR, "b-contributor@example.org": FOCAL}


def test_the_account_page_refuses_to_remove_the_last_focal_point(admin_client, org):
    focal = member(org, "b-focal@example.org").user
    url = reverse("admin:actors_user_change", args=[focal.pk])
    page = admin_client.get(url)

    response = admin_client.post(url, resubmit(page, **{"memberships-0-DELETE": "on"}))

    assert response.status_code == 302
    assert any(NEEDS_FOCAL_POINT in message for message in messages_of(response))
    assert roles(org)["b-focal@example.org"] == FOCAL


# Accounts ------------------------------------------------------------------------------------


def test_an_administrator_makes_someone_moderator(admin_client, verified_user):
    url = reverse("admin:actors_user_change", args=[verified_user.pk])
    moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)

    response = admin_client.post(url, resubmit(admin_client.get(url), groups=[moderators.pk]))

    assert response.status_code == 302
    assert list(verified_user.groups.all()) == [moderators]


def test_staff_allowed_to_edit_accounts_cannot_raise_powers(client, verified_user):
    staff = VerifiedUserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    give_mfa(staff)
    client.force_login(staff)
    url = reverse("admin:actors_user_change", args=[staff.pk])
    page = client.get(url)
    assert not {"is_superuser", "is_staff", "groups"} & set(page.context["adminform"].form.fields)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)

    response = client.post(url, resubmit(page, is_superuser="on", groups=[moderators.pk]))

    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_superuser
    assert not staff.groups.exists()


def test_the_admin_deletes_no_account(admin_client, verified_user):
    url = reverse("admin:actors_user_delete", args=[verified_user.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=verified_user.pk).exists()


def test_staff_who_may_only_read_neither_accredit_nor_disable(client, verified_user):
    staff = VerifiedUserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_actor", "view_user"]))
    give_mfa(staff)
    client.force_login(staff)
    proposal = ActorFactory(status=Actor.Status.PROPOSED, proposed_by=verified_user)

    client.post(
        reverse("admin:actors_actor_changelist"),
        {"action": "accredit", "_selected_action": [proposal.pk]},
    )
    client.post(
        reverse("admin:actors_user_changelist"),
        {"action": "deactivate", "_selected_action": [verified_user.pk]},
    )

    proposal.refresh_from_db()
    verified_user.refresh_from_db()
    assert proposal.status == Actor.Status.PROPOSED
    assert verified_user.is_active
    assert not proposal.memberships.exists()
