"""The pledge pages: drafting, the lifecycle's buttons, refusals, and what each page shows."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from reviews.models import Pledge, PledgePartner, PledgeTransition, ProgressUpdate, ReviewCycle
from tests.factories import (
    PledgeFactory,
    PledgePartnerFactory,
    ProgressUpdateFactory,
    pledge_form_data,
)

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
REASON = "The organisation must name the provinces."


def step_url(pledge, step):
    return reverse("reviews:pledge-transition", args=[pledge.pk, step])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_whole_lifecycle_through_the_pages(client, contributor_a, focal_a, moderator, actor_a):
    client.force_login(contributor_a)
    response = client.post(reverse("reviews:pledge-create"), pledge_form_data(title="Our pledge"))
    pledge = Pledge.objects.get(title="Our pledge")
    assert response.status_code == 302 and response["Location"] == pledge.get_absolute_url()
    assert (pledge.lead, pledge.created_by, pledge.status) == (actor_a, contributor_a, S.DRAFT)

    client.force_login(focal_a)
    assert client.post(step_url(pledge, "submit"))["Location"] == pledge.get_absolute_url()
    client.force_login(moderator)
    response = client.post(step_url(pledge, "return"), {"reason": REASON})
    assert response["Location"] == reverse("reviews:moderation")
    client.force_login(contributor_a)
    detail = client.get(pledge.get_absolute_url())
    assert f"Returned for changes: “{REASON}”" in detail.content.decode()
    pledge.refresh_from_db()
    client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]),
        pledge_form_data(pledge, summary="In the provinces of Kolda and Tambacounda."),
    )
    client.force_login(focal_a)
    client.post(step_url(pledge, "submit"))
    client.force_login(moderator)
    client.post(step_url(pledge, "publish"))
    client.force_login(focal_a)
    client.post(step_url(pledge, "withdraw"), {"reason": "Funding ended."})

    pledge.refresh_from_db()
    assert pledge.status == S.WITHDRAWN
    assert pledge.summary == "In the provinces of Kolda and Tambacounda."
    assert list(pledge.transitions.values_list("to_status", "user", "actor")) == [
        (S.SUBMITTED, focal_a.pk, actor_a.pk),
        (S.RETURNED, moderator.pk, None),
        (S.SUBMITTED, focal_a.pk, actor_a.pk),
        (S.PUBLISHED, moderator.pk, None),
        (S.WITHDRAWN, focal_a.pk, actor_a.pk),
    ]


@pytest.mark.parametrize(("status", "step"), list(ALLOWED), ids=lambda v: str(v))
def test_each_allowed_step_of_the_pages_moves_the_pledge(
    client, focal_a, moderator, actor_a, status, step
):
    pledge = PledgeFactory(lead=actor_a, status=status)
    user = focal_a if step in BY_LEAD else moderator
    client.force_login(user)

    response = client.post(step_url(pledge, step), {"reason": REASON})

    assert response.status_code == 302
    expected = pledge.get_absolute_url() if step in BY_LEAD else reverse("reviews:moderation")
    assert response["Location"] == expected
    pledge.refresh_from_db()
    assert pledge.status == ALLOWED[status, step]
    assert PledgeTransition.objects.filter(pledge=pledge, user=user).count() == 1


@pytest.mark.parametrize(("status", "step"), FORBIDDEN, ids=lambda v: str(v))
def test_every_other_step_is_refused_by_the_pages_and_changes_nothing(
    client, focal_a, moderator, actor_a, status, step
):
    pledge = PledgeFactory(lead=actor_a, status=status)
    client.force_login(focal_a if step in BY_LEAD else moderator)

    response = client.post(step_url(pledge, step), {"reason": REASON})

    assert response.status_code == 409  # the role allows it; the state does not
    pledge.refresh_from_db()
    assert pledge.status == status
    assert not PledgeTransition.objects.exists()


@pytest.mark.parametrize("step", STEPS)
def test_lifecycle_steps_are_post_only(client, focal_a, actor_a, step):
    pledge = PledgeFactory(lead=actor_a)
    client.force_login(focal_a)

    assert client.get(step_url(pledge, step)).status_code == 405
    pledge.refresh_from_db()
    assert pledge.status == S.DRAFT


def test_submitting_an_incomplete_draft_lists_every_missing_piece(client, focal_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, summary="", description="Too short.", scope="")
    client.force_login(focal_a)

    response = client.post(step_url(pledge, "submit"))

    assert response["Location"] == pledge.get_absolute_url()
    shown = messages_of(response)
    assert shown == [
        "Write a one-line summary.",
        "Describe the pledge in at least 300 characters (now 10).",
        "Choose the scope.",
    ]
    pledge.refresh_from_db()
    assert pledge.status == S.DRAFT


def test_the_draft_page_tells_the_editors_what_is_missing(client, contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, summary="", support="")
    client.force_login(contributor_a)

    response = client.get(pledge.get_absolute_url())

    content = response.content.decode()
    assert "Before it can be submitted" in content
    assert "Write a one-line summary." in content
    assert "Choose the form of support." in content
    assert not response.context["can"]["submit"], "contributors do not submit"


@pytest.mark.parametrize("step", ["return", "reject"])
def test_returning_or_rejecting_without_a_reason_changes_nothing(client, moderator, step):
    pledge = PledgeFactory(submitted=True)
    client.force_login(moderator)

    response = client.post(step_url(pledge, step), {"reason": "  "})

    assert response["Location"] == pledge.get_absolute_url()
    assert messages_of(response) == ["Give a reason; the organisation will read it."]
    pledge.refresh_from_db()
    assert pledge.status == S.SUBMITTED
    assert not PledgeTransition.objects.exists()


def test_withdrawing_without_a_reason_changes_nothing(client, focal_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    client.force_login(focal_a)

    response = client.post(step_url(pledge, "withdraw"))

    assert messages_of(response) == ["Give a reason; the organisation will read it."]
    pledge.refresh_from_db()
    assert pledge.status == S.PUBLISHED


def test_publishing_before_the_partners_confirm_is_refused_with_their_names(client, moderator):
    pledge = PledgeFactory(submitted=True, kind=Pledge.Kind.JOINT)
    partner = PledgePartnerFactory(pledge=pledge, actor__name="Partner Org").actor
    client.force_login(moderator)

    response = client.post(step_url(pledge, "publish"))

    assert messages_of(response) == [f"Every partner must confirm first; still waiting: {partner}."]
    pledge.refresh_from_db()
    assert pledge.status == S.SUBMITTED


def test_an_invalid_edit_is_shown_again_with_its_errors_and_saves_nothing(
    client, contributor_a, actor_a, actor_b
):
    pledge = PledgeFactory(lead=actor_a, title="Before")
    client.force_login(contributor_a)

    response = client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]),
        pledge_form_data(pledge, title="After", partners=[actor_b.pk]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["partners"] == [
        "Only a joint pledge names partner organisations."
    ]
    assert response.context["form"]["title"].value() == "After"
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Before", 1)
    assert not PledgePartner.objects.exists()


def test_an_edit_ending_before_it_starts_is_refused(client, contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a)
    client.force_login(contributor_a)

    response = client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]),
        pledge_form_data(pledge, start_date="2027-01-01", end_date="2026-01-01"),
    )

    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.end_date == dt.date(2028, 12, 31)


def test_a_pledge_whose_author_left_can_still_be_edited(client, contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, created_by=None, title="Before")
    client.force_login(contributor_a)

    response = client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]), pledge_form_data(pledge, title="After")
    )

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("After", 2)


def test_a_new_draft_is_made_for_one_of_my_organisations_only(client, focal_a, actor_b):
    client.force_login(focal_a)

    response = client.post(
        reverse("reviews:pledge-create"), pledge_form_data(lead=actor_b.pk, title="Not ours")
    )

    assert response.status_code == 404
    assert not Pledge.objects.filter(title="Not ours").exists()


def test_a_matching_pledge_answers_a_published_pledge_only(client, contributor_a, actor_a):
    published = PledgeFactory(published=True)
    draft = PledgeFactory()
    client.force_login(contributor_a)

    refused = client.post(
        reverse("reviews:pledge-create"),
        pledge_form_data(title="Answer", kind="matching", matches=draft.pk),
    )
    client.post(
        reverse("reviews:pledge-create"),
        pledge_form_data(title="Answer", kind="matching", matches=published.pk),
    )

    assert "matches" in refused.context["form"].errors
    assert Pledge.objects.get(title="Answer").matches == published


def test_a_withdrawn_pledge_stays_visible_and_says_so(client, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, status=S.WITHDRAWN)

    response = client.get(pledge.get_absolute_url())

    assert response.status_code == 200
    assert "This pledge was withdrawn by Organisation A." in response.content.decode()


def test_a_progress_report_dated_in_the_future_is_refused_with_its_error(
    client, contributor_a, actor_a
):
    pledge = PledgeFactory(lead=actor_a, published=True)
    client.force_login(contributor_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client.post(
        reverse("reviews:pledge-progress", args=[pledge.pk]),
        {"actor": actor_a.pk, "date": tomorrow, "stage": "completed", "narrative": "Done."},
    )

    assert response.status_code == 400
    assert "A progress report cannot be dated in the future." in response.content.decode()
    assert response.context["form"]["narrative"].value() == "Done."
    assert not ProgressUpdate.objects.exists()
    pledge.refresh_from_db()
    assert pledge.implementation_status == Pledge.ImplementationStatus.PLANNED


def test_a_hidden_progress_update_is_shown_to_moderators_only(client, moderator, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    ProgressUpdateFactory(pledge=pledge, narrative="Visible report.")
    ProgressUpdateFactory(pledge=pledge, narrative="Hidden report.", is_hidden=True)

    public = client.get(pledge.get_absolute_url()).content.decode()
    client.force_login(moderator)
    moderated = client.get(pledge.get_absolute_url()).content.decode()

    assert "Visible report." in public and "Hidden report." not in public
    assert "Visible report." in moderated and "Hidden report." in moderated


def test_the_pledge_page_shows_its_recorded_edits(client, contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a)
    client.force_login(contributor_a)
    client.post(
        reverse("reviews:pledge-edit", args=[pledge.pk]),
        pledge_form_data(pledge, summary="A new summary."),
    )

    response = client.get(pledge.get_absolute_url())

    changes = [[c.field for c in diffs] for _record, diffs in response.context["changes"]]
    assert ["summary"] in changes
    assert "Cora Contributor changed summary" in response.content.decode()


def test_the_contact_address_is_shown_to_editors_and_moderators_only(
    client, contributor_a, moderator, actor_a
):
    draft = PledgeFactory(lead=actor_a, contact_email="pat.private@example.org")
    published = PledgeFactory(lead=actor_a, published=True, contact_email="pat.private@example.org")

    public = client.get(published.get_absolute_url()).content.decode()
    client.force_login(contributor_a)
    editor = client.get(draft.get_absolute_url()).content.decode()
    client.force_login(moderator)
    moderating = client.get(PledgeFactory(submitted=True).get_absolute_url()).content.decode()

    assert "Pat Contact" in public and "pat.private@example.org" not in public
    assert "pat.private@example.org" in editor
    assert "pat.contact@example.org" in moderating


def test_a_new_pledge_form_proposes_the_cycle_open_for_submissions(client, focal_a):
    client.force_login(focal_a)
    with time_machine.travel("2022-01-15T12:00:00Z"):
        response = client.get(reverse("reviews:pledge-create"))

    assert response.context["form"]["cycle"].value() == ReviewCycle.objects.get(slug="imrf-2022").pk
