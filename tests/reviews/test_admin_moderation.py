"""The admin moderates through the services: it reads pledges, updates, comments and flags, changes
none of them by hand, and its actions are the moderators' (logged, with a reason where one is
owed, and the pledge's implementation status following its updates)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Comment, Flag, ModerationLogEntry, Pledge, ProgressUpdate
from tests.factories import (
    CommentFactory,
    FlagFactory,
    ModeratorFactory,
    PledgeFactory,
    VerifiedUserFactory,
    give_mfa,
)

pytestmark = pytest.mark.django_db

S = Pledge.Status
Stage = Pledge.ImplementationStatus
Action = ModerationLogEntry.Action


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def changelist(model: str) -> str:
    return reverse(f"admin:reviews_{model}_changelist")


def act(client, model: str, action: str, objects, reason: str | None = None):
    """Run an admin action on `objects`; with a reason, as posted back from its reason page."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects]}
    if reason is not None:
        data.update(apply="yes", reason=reason)
    return client.post(changelist(model), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def reported(actor_a, focal_a):
    """A published pledge with two updates; the latest one (completed) sets its status."""
    pledge = PledgeFactory(lead=actor_a, published=True, title="Seasonal pathways")
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=30)
    for date, stage in ((earlier, Stage.IN_PROGRESS), (today, Stage.COMPLETED)):
        services.progress_update_create(
            pledge=pledge, by=focal_a, actor=actor_a, date=date, stage=stage, narrative="Done."
        )
    pledge.refresh_from_db()
    assert pledge.implementation_status == Stage.COMPLETED
    return pledge


# Pledges: read, never changed by hand --------------------------------------------------------


def test_the_admin_shows_a_published_pledge_without_a_field_to_edit(admin_client, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, title="Fair recruitment")

    response = admin_client.get(reverse("admin:reviews_pledge_change", args=[pledge.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Fair recruitment" in content
    for name in ("title", "status", "description", "lead", "objectives"):
        assert f'name="{name}"' not in content
    assert 'name="_save"' not in content


def test_posting_the_change_form_of_a_published_pledge_changes_nothing(admin_client, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, title="Fair recruitment")
    url = reverse("admin:reviews_pledge_change", args=[pledge.pk])

    response = admin_client.post(
        url, {"title": "Rewritten", "status": S.DRAFT, "implementation_status": Stage.COMPLETED}
    )

    assert response.status_code == 403
    pledge.refresh_from_db()
    assert (pledge.title, pledge.status, pledge.version) == ("Fair recruitment", S.PUBLISHED, 1)
    assert pledge.implementation_status == Stage.PLANNED
    assert not ModerationLogEntry.objects.exists()


def test_the_admin_cannot_revert_a_pledge_to_a_past_version(admin_client, administrator, actor_a):
    pledge = PledgeFactory(lead=actor_a, submitted=True)
    services.pledge_publish(pledge=pledge, by=administrator)
    submitted = pledge.history.order_by("history_id").first()
    assert submitted.status == S.SUBMITTED
    url = reverse("admin:reviews_pledge_simple_history", args=[pledge.pk, submitted.history_id])

    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"title": "Reverted", "_change_history": "1"})

    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.status == S.PUBLISHED
    assert pledge.title != "Reverted"


def test_the_admin_deletes_no_pledge(admin_client, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    delete = reverse("admin:reviews_pledge_delete", args=[pledge.pk])

    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    response = admin_client.post(
        changelist("pledge"),
        {"action": "delete_selected", "_selected_action": [pledge.pk], "post": "yes"},
    )

    assert "No action selected." in messages_of(response)
    assert Pledge.objects.filter(pk=pledge.pk).exists()


# Pledges: return and reject, with a reason ----------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "logged"),
    [
        ("return_for_changes", S.RETURNED, Action.PLEDGE_RETURN),
        ("reject", S.REJECTED, Action.PLEDGE_REJECT),
    ],
)
def test_returning_or_rejecting_asks_a_reason_then_goes_through_the_workflow(
    admin_client, administrator, actor_a, action, status, logged
):
    pledge = PledgeFactory(lead=actor_a, submitted=True, title="Fair recruitment")

    page = act(admin_client, "pledge", action, [pledge])
    assert page.status_code == 200
    assert "admin/action_reason.html" in [t.name for t in page.templates]
    assert "Fair recruitment" in page.content.decode()
    assert 'name="reason"' in page.content.decode()

    refused = act(admin_client, "pledge", action, [pledge], reason="   ")
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"reason": ["This field is required."]}
    pledge.refresh_from_db()
    assert pledge.status == S.SUBMITTED
    assert not ModerationLogEntry.objects.exists()

    done = act(admin_client, "pledge", action, [pledge], reason="Name the provinces.")
    assert done.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == status
    step = pledge.transitions.get()
    assert (step.from_status, step.to_status, step.user) == (S.SUBMITTED, status, administrator)
    assert step.reason == "Name the provinces."
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.moderator, entry.target_id) == (logged, administrator, pledge.pk)
    assert entry.reason == "Name the provinces."


def test_a_pledge_that_is_not_submitted_is_not_returned_and_the_admin_says_why(
    admin_client, actor_a
):
    submitted = PledgeFactory(lead=actor_a, submitted=True, title="Submitted one")
    draft = PledgeFactory(lead=actor_a, title="Draft one")

    response = act(admin_client, "pledge", "return_for_changes", [submitted, draft], reason="Why")

    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.status, submitted.status) == (S.DRAFT, S.RETURNED)
    said = messages_of(response)
    assert "Draft one: A draft pledge cannot be returned." in said
    assert "Submitted one: returned for changes." in said
    assert ModerationLogEntry.objects.get().target_id == submitted.pk


def staff_client(client, *, moderator: bool):
    """Staff with MFA allowed to read pledges, in the Moderators group or not."""
    staff = (ModeratorFactory if moderator else VerifiedUserFactory)(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_pledge"))
    give_mfa(staff)
    client.force_login(staff)
    return client, staff


def test_staff_without_the_moderator_role_get_no_moderation_action(client, actor_a):
    client, _staff = staff_client(client, moderator=False)
    pledge = PledgeFactory(lead=actor_a, submitted=True)

    listing = client.get(changelist("pledge"))
    response = act(client, "pledge", "reject", [pledge], reason="Not mine to say.")

    assert listing.status_code == 200
    assert listing.context["action_form"] is None  # no action at all is offered
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == S.SUBMITTED
    assert not ModerationLogEntry.objects.exists()


def test_staff_moderators_moderate_in_the_admin(client, actor_a):
    client, staff = staff_client(client, moderator=True)
    pledge = PledgeFactory(lead=actor_a, submitted=True)

    response = act(client, "pledge", "reject", [pledge], reason="Out of scope.")

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == S.REJECTED
    assert ModerationLogEntry.objects.get().moderator == staff


# Progress updates ----------------------------------------------------------------------------


def test_posting_the_change_form_of_an_update_changes_nothing(admin_client, reported):
    update = reported.progress_updates.latest_shown()
    url = reverse("admin:reviews_progressupdate_change", args=[update.pk])

    response = admin_client.post(
        url, {"is_hidden": "on", "stage": Stage.DISCONTINUED, "narrative": "Rewritten."}
    )

    assert response.status_code == 403
    update.refresh_from_db()
    assert (update.is_hidden, update.stage, update.narrative) == (False, Stage.COMPLETED, "Done.")
    assert admin_client.get(url).status_code == 200
    assert not ModerationLogEntry.objects.exists()


def test_hiding_an_update_needs_a_reason_and_moves_the_pledges_status(
    admin_client, administrator, reported
):
    latest = reported.progress_updates.latest_shown()

    refused = act(admin_client, "progressupdate", "hide", [latest], reason="")
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"reason": ["This field is required."]}
    latest.refresh_from_db()
    assert not latest.is_hidden

    done = act(admin_client, "progressupdate", "hide", [latest], reason="Not about this pledge.")

    assert done.status_code == 302
    latest.refresh_from_db()
    reported.refresh_from_db()
    assert (latest.is_hidden, latest.hidden_reason) == (True, "Not about this pledge.")
    assert reported.implementation_status == Stage.IN_PROGRESS
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.moderator, entry.target_id) == (
        Action.UPDATE_HIDE,
        administrator,
        latest.pk,
    )
    assert entry.reason == "Not about this pledge."


def test_restoring_an_update_moves_the_pledges_status_back(admin_client, administrator, reported):
    latest = reported.progress_updates.latest_shown()
    services.item_hide(item=latest, moderator=administrator, reason="Checking.")

    page = act(admin_client, "progressupdate", "restore", [latest])
    assert page.status_code == 200
    done = act(admin_client, "progressupdate", "restore", [latest], reason="")

    assert done.status_code == 302
    latest.refresh_from_db()
    reported.refresh_from_db()
    assert not latest.is_hidden
    assert reported.implementation_status == Stage.COMPLETED
    entry = ModerationLogEntry.objects.filter(action=Action.UPDATE_RESTORE).get()
    assert (entry.moderator, entry.target_id) == (administrator, latest.pk)


def test_the_admin_neither_adds_nor_deletes_updates(admin_client, reported):
    update = reported.progress_updates.first()

    assert admin_client.get(reverse("admin:reviews_progressupdate_add")).status_code == 403
    delete = reverse("admin:reviews_progressupdate_delete", args=[update.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


# Comments and flags --------------------------------------------------------------------------


def test_posting_the_change_form_of_a_comment_changes_nothing(admin_client):
    comment = CommentFactory(body="Original words.")
    url = reverse("admin:reviews_comment_change", args=[comment.pk])

    response = admin_client.post(url, {"body": "Put in their mouth.", "is_hidden": "on"})

    assert response.status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.is_hidden) == ("Original words.", False)
    assert not ModerationLogEntry.objects.exists()
    delete = reverse("admin:reviews_comment_delete", args=[comment.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_hiding_and_restoring_a_comment_go_through_the_log(admin_client, administrator):
    comment = CommentFactory()

    act(admin_client, "comment", "hide", [comment], reason="Personal data.")
    comment.refresh_from_db()
    assert (comment.is_hidden, comment.hidden_reason) == (True, "Personal data.")

    act(admin_client, "comment", "restore", [comment], reason="Edited by the author.")
    comment.refresh_from_db()
    assert not comment.is_hidden

    logged = ModerationLogEntry.objects.order_by("pk")
    assert [(e.action, e.moderator, e.target_id, e.reason) for e in logged] == [
        (Action.COMMENT_HIDE, administrator, comment.pk, "Personal data."),
        (Action.COMMENT_RESTORE, administrator, comment.pk, "Edited by the author."),
    ]


def test_restoring_a_shown_comment_is_refused_with_the_services_reason(admin_client):
    comment = CommentFactory()

    response = act(admin_client, "comment", "restore", [comment], reason="")

    assert f"{comment}: It is not hidden." in messages_of(response)
    assert not ModerationLogEntry.objects.exists()


def test_dismissing_flags_dismisses_each_flagged_item_once(admin_client, administrator, reported):
    comment = CommentFactory()
    update = reported.progress_updates.first()
    flags = [
        FlagFactory(comment=comment),
        FlagFactory(comment=comment, reason=Flag.Reason.OFFENSIVE),
        FlagFactory(comment=None, progress_update=update),
    ]

    page = act(admin_client, "flag", "dismiss", flags)
    assert page.status_code == 200
    assert sorted(map(str, page.context["targets"])) == sorted([str(comment), str(update)])
    assert not Flag.objects.filter(dismissed_at__isnull=False).exists()

    act(admin_client, "flag", "dismiss", flags, reason="Within the rules.")

    assert not Flag.objects.filter(dismissed_at__isnull=True).exists()
    logged = ModerationLogEntry.objects.all()
    assert sorted((e.action, e.target_type, e.target_id) for e in logged) == [
        (Action.FLAGS_DISMISS, "comment", comment.pk),
        (Action.FLAGS_DISMISS, "progressupdate", update.pk),
    ]
    assert {(e.moderator, e.reason) for e in logged} == {(administrator, "Within the rules.")}


def test_dismissing_flags_already_dismissed_logs_nothing(admin_client):
    flag = FlagFactory(dismissed_at=timezone.now())

    response = act(admin_client, "flag", "dismiss", [flag])

    assert response.status_code == 302
    assert "The selected flags are dismissed already." in messages_of(response)
    assert not ModerationLogEntry.objects.exists()
