"""The pledge journey of the issue, through a real browser: a contributor drafts a joint pledge,
the partner confirms, the focal point submits, a moderator returns it with a reason, it is fixed
and resubmitted, published, then updated with progress; every step shows in its timeline."""

import pytest

from actors.models import Membership
from reviews.models import Objective, Pledge, PledgeTransition, ReviewCycle
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    ModeratorFactory,
    VerifiedUserFactory,
    give_mfa,
    totp_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
DESCRIPTION = (
    "The ministry will open a one-stop service where migrant workers can have their skills and "
    "qualifications recognised within thirty days, working with employers, trade unions and "
    "migrant-led organisations. It publishes yearly figures on applications and outcomes, and "
    "reviews the service with the city partners who run the local desks. "
) * 2


def sign_in(page, live_server, user, secret=None):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    if secret:
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", totp_code(secret))
        page.click("main form button[type=submit]")
    page.wait_for_selector("text=Sign out")


def test_a_joint_pledge_goes_from_draft_to_progress_through_the_browser(live_server, new_page):
    lead = ActorFactory(name="Ministry of Labour (test)", kind="member-state")
    partner = ActorFactory(name="City of Partners (test)", kind="local-government")
    contributor = VerifiedUserFactory(display_name="Cai Contributor")
    MembershipFactory(user=contributor, actor=lead, role=Membership.Role.CONTRIBUTOR)
    focal = VerifiedUserFactory(display_name="Fen Focal")
    MembershipFactory(user=focal, actor=lead, role=Membership.Role.FOCAL_POINT)
    focal_secret = give_mfa(focal)
    partner_focal = VerifiedUserFactory(display_name="Pat Partner")
    MembershipFactory(user=partner_focal, actor=partner, role=Membership.Role.FOCAL_POINT)
    partner_secret = give_mfa(partner_focal)
    moderator = ModeratorFactory(display_name="Mona Moderator")
    moderator_secret = give_mfa(moderator)
    cycle = ReviewCycle.objects.get(slug="imrf-2026")
    objective_7 = Objective.objects.get(number=7)

    # The contributor drafts a joint pledge naming the partner.
    drafter = new_page()
    sign_in(drafter, live_server, contributor)
    drafter.goto(f"{live_server.url}/pledges/new/")
    drafter.fill("#id_title", "Skills recognition desk")
    drafter.fill("#id_summary", "Recognise migrant workers' skills within thirty days.")
    drafter.fill("#id_description", DESCRIPTION)
    drafter.select_option("#id_kind", "joint")
    drafter.select_option("#id_support", "programme")
    drafter.check(f"input[name=objectives][value='{objective_7.pk}']")
    drafter.check(f"input[name=objectives][value='{Objective.objects.get(number=18).pk}']")
    drafter.select_option("#id_primary_objective", str(objective_7.pk))
    drafter.select_option("#id_scope", "national")
    # Countries and partners are searchable choosers over the (hidden) selects.
    drafter.fill("#id_countries-search", "gha")
    drafter.check("#id_countries-options label:text-is('Ghana')")
    drafter.fill("#id_start_date", "2026-01-01")
    drafter.fill("#id_end_date", "2028-12-31")
    drafter.fill("#id_contact_name", "Cai Contributor")
    drafter.fill("#id_contact_email", "cai@example.org")
    drafter.select_option("#id_cycle", str(cycle.pk))
    drafter.fill("#id_partners-search", "partners")
    drafter.check(f"#id_partners-options label:text-is('{partner.name}')")
    drafter.check("#id_concerns_migrants")
    drafter.click("button:has-text('Save the draft')")
    drafter.wait_for_selector("text=The draft is saved")
    pledge = Pledge.objects.get(title="Skills recognition desk")
    pledge_url = f"{live_server.url}{pledge.get_absolute_url()}"

    # The partner's focal point confirms.
    partner_page = new_page()
    sign_in(partner_page, live_server, partner_focal, partner_secret)
    partner_page.goto(pledge_url)
    partner_page.click("text=Confirm the partnership")
    partner_page.wait_for_selector("text=confirms the partnership")

    # The focal point submits.
    focal_page = new_page()
    sign_in(focal_page, live_server, focal, focal_secret)
    focal_page.goto(pledge_url)
    focal_page.click("text=Submit for review")
    focal_page.wait_for_selector("text=The pledge is submitted")

    # The moderator returns it with a reason, from the queue.
    moderator_page = new_page()
    sign_in(moderator_page, live_server, moderator, moderator_secret)
    moderator_page.goto(f"{live_server.url}/moderation/")
    moderator_page.click("summary:has-text('Return for changes')")
    moderator_page.fill(f"#return-reason-{pledge.pk}", "Name the cities that run the desks.")
    moderator_page.click(f"form:has(#return-reason-{pledge.pk}) button[type=submit]")
    moderator_page.wait_for_selector("text=The pledge is returned")

    # The contributor sees the reason, fixes the pledge; the focal point resubmits.
    drafter.goto(pledge_url)
    assert "Name the cities that run the desks." in drafter.content()
    drafter.click("text=Edit")
    drafter.fill("#id_summary", "Recognise skills within thirty days, with desks in Accra.")
    drafter.click("button:has-text('Save the draft')")
    drafter.wait_for_selector("text=Your changes are saved")
    focal_page.goto(pledge_url)
    focal_page.click("text=Submit for review")
    focal_page.wait_for_selector("text=The pledge is submitted")

    # The moderator publishes it.
    moderator_page.goto(f"{live_server.url}/moderation/")
    moderator_page.click(f"form[action='/pledges/{pledge.pk}/publish/'] button[type=submit]")
    moderator_page.wait_for_selector("text=The pledge is published")

    # The focal point reports progress.
    focal_page.goto(pledge_url)
    focal_page.click("summary:has-text('Report progress')")
    focal_page.select_option("#id_stage", "in-progress")
    focal_page.fill("#id_narrative", "The first desk opened in Accra in March.")
    focal_page.click("form[action$='/progress/'] button[type=submit]")
    focal_page.wait_for_selector("text=Your progress report is published")

    # Anyone now reads the published pledge with its whole timeline.
    reader = new_page()
    reader.goto(pledge_url)
    timeline = reader.inner_text("section[aria-labelledby=timeline-heading]")
    assert "Draft → Submitted for review" in timeline
    assert "Submitted for review → Returned for changes" in timeline
    assert "Name the cities that run the desks." in timeline
    assert "Returned for changes → Submitted for review" in timeline
    assert "Submitted for review → Published" in timeline
    assert "The first desk opened in Accra in March." in reader.content()
    assert "In progress" in reader.content()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert pledge.implementation_status == Pledge.ImplementationStatus.IN_PROGRESS
    assert PledgeTransition.objects.filter(pledge=pledge).count() == 4
