"""Every model is curated in the admin: its list, search, add and change pages work; what only
the services may write is read-only there."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from actors import services as actor_services
from actors.models import Coalition, JoinRequest, Membership, Notification, User
from actors.models.notifications import Kind
from reviews import services
from reviews.models import (
    Answer,
    Comment,
    Endorsement,
    ExportJob,
    Flag,
    FrameworkIndicator,
    ModerationLogEntry,
    Objective,
    Pledge,
    ProgressUpdate,
    Question,
    ReportingRound,
    ReviewCycle,
)
from tests.factories import (
    AnswerFactory,
    EndorsementFactory,
    FlagFactory,
    MembershipFactory,
    ProgressUpdateFactory,
    UserFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"actors", "reviews"}),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.mark.parametrize("staff", ["superuser", "staff"])
def test_the_admin_asks_staff_without_a_second_factor_to_set_it_up(client, staff):
    client.force_login(UserFactory(is_staff=True, is_superuser=staff == "superuser"))

    for url in (reverse("admin:index"), reverse("admin:reviews_pledge_changelist")):
        response = client.get(url, follow=True)

        hops = [location for location, _status in response.redirect_chain]
        assert reverse("mfa_activate_totp") in hops, hops
        assert b"Site administration" not in response.content


def test_the_admin_is_not_offered_to_people_who_are_not_staff(client, verified_user):
    client.force_login(verified_user)

    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_every_portal_model_is_in_the_admin():
    assert {model._meta.model_name for model in REGISTERED} >= {
        "user",
        "actor",
        "coalition",
        "coalitionmembership",
        "membership",
        "sourcedocument",
        "objective",
        "guidingprinciple",
        "reviewcycle",
        "roundtable",
        "declarationparagraph",
        "milestone",
        "frameworkindicator",
        "reportinground",
    }


@pytest.fixture
def one_of_each(administrator, actor_a):
    """A row of each model the reference data does not hold, so that every change page is seen."""
    flag = FlagFactory(comment__pledge__lead=actor_a)
    update = ProgressUpdateFactory(pledge=flag.comment.pledge)
    services.item_hide(item=update, moderator=administrator, reason="Off topic.")
    AnswerFactory(question__pledge=flag.comment.pledge)
    MembershipFactory(actor=actor_a, role=Membership.Role.FOCAL_POINT)
    actor_services.join_request_create(user=VerifiedUserFactory(), actor=actor_a)
    Notification.objects.create(user=administrator, kind=Kind.MODERATION, title="Hi", url="/")
    ExportJob.objects.create(requester=administrator, resource="pledges", params=[["q", "x"]])
    # The curated framework starts empty (issue 14): a test row, never a fixture's.
    FrameworkIndicator.objects.create(framework="A test framework", code="1.1", name="A test")
    ReportingRound.objects.create(
        cycle=ReviewCycle.objects.first(),
        name="A round",
        slug="a-round",
        opens_on="2026-05-01",
        closes_on="2026-06-30",
    )
    EndorsementFactory(pledge=flag.comment.pledge, note="Count on us.")


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_admin_pages_of_each_model_work(admin_client, one_of_each, model):
    app_label, model_name = model._meta.app_label, model._meta.model_name
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")

    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert admin_client.get(changelist, {"q": "migration"}).status_code == 200
    can_add = admin.site._registry[model].has_add_permission(response.wsgi_request)
    add = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert add.status_code == (200 if can_add else 403)
    obj = model._default_manager.first()
    assert obj is not None
    change = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    if not admin.site._registry[model].has_change_permission(page.wsgi_request, obj):
        assert 'name="_save"' not in page.content.decode()


# Written by the services only: read in the admin, never added, changed or deleted by hand.
READ_ONLY = [
    Pledge,
    ProgressUpdate,
    Comment,
    Question,
    Answer,
    Flag,
    ModerationLogEntry,
    JoinRequest,
    Endorsement,
]
NEVER_DELETED = [Pledge, ProgressUpdate, Comment, Flag, ModerationLogEntry, User, Endorsement]


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda model: model._meta.label)
def test_what_the_services_write_is_read_only_in_the_admin(administrator, model):
    request = RequestFactory().get("/")
    request.user = administrator
    model_admin = admin.site._registry[model]

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)


@pytest.mark.parametrize("model", NEVER_DELETED, ids=lambda model: model._meta.label)
def test_the_admin_deletes_nothing_whose_history_matters(administrator, model):
    request = RequestFactory().get("/")
    request.user = administrator

    assert not admin.site._registry[model].has_delete_permission(request)


def test_admin_shows_provenance_of_a_curated_record(admin_client):
    objective = Objective.objects.get(number=7)

    response = admin_client.get(reverse("admin:reviews_objective_change", args=[objective.pk]))

    content = response.content.decode()
    citation = objective.citations.get()
    assert "Provenance" in content
    assert citation.source.title in content
    assert citation.locator in content


def test_coalition_admin_edits_members_inline(admin_client):
    gmg = Coalition.objects.get(slug="global-migration-group")

    response = admin_client.get(reverse("admin:actors_coalition_change", args=[gmg.pk]))

    assert response.status_code == 200
    assert "memberships-TOTAL_FORMS" in response.content.decode()
