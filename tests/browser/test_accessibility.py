"""WCAG 2.2 AA in a real browser: axe-core (tests/browser/vendor/) finds no violation of the
WCAG 2.0, 2.1 and 2.2 A and AA rules on any page type of the portal, signed out and as each
persona that sees the page, in English and in Arabic (right to left); forms are scanned empty
and with their errors, and the error pages (404, 429, 503) as the portal really answers them."""

import datetime as dt
import io
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.test import Client

from actors.models import Actor, Coalition, SourceDocument
from actors.models.joins import JoinRequest
from reviews import services, spreadsheets
from reviews.models import (
    Comment,
    Indicator,
    IndicatorActual,
    Objective,
    Pledge,
    ReportingRound,
    ReviewCycle,
)
from tests.factories import (
    ActorFactory,
    CommentFactory,
    EndorsementFactory,
    FlagFactory,
    NeedFactory,
    OfferFactory,
    PledgeFactory,
    QuestionFactory,
    VerifiedUserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["en", "ar"]
DIRECTION = {"en": "ltr", "ar": "rtl"}


def open_context(browser, live_server, language, user=None, **options):
    """A browser context in `language`, signed in as `user` with a session made by Django's test
    client (its cookie copied in): the second factor of the moderators and administrators is
    the authenticator they hold, which give_mfa gave them."""
    context = browser.new_context(
        locale=language, extra_http_headers={"Accept-Language": language}, **options
    )
    context.set_default_timeout(15_000)
    # Before every page's own scripts, outside its content security policy (which stays on):
    # add_script_tag would be an inline script, which the portal's policy rightly refuses.
    context.add_init_script(path=AXE)
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
    return context


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page as it is now."""
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(results => results.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        WCAG_AA,
    )


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for violation in violations:
            targets = "; ".join(violation["targets"])
            lines.append(f"{where}: {violation['id']} ({violation['help']}) at {targets}")
    return "\n".join(lines)


class Scan:
    """Scans one page after another in a context; `assert_clean` lists every violation found."""

    def __init__(self, context, live_server, language):
        self.page = context.new_page()
        self.live_server = live_server
        self.language = language
        self.found: dict[str, list[dict]] = {}
        self.scanned: list[str] = []

    def goto(self, path: str, *, status: int = 200):
        response = self.page.goto(self.live_server.url + path)
        assert response.status == status, f"{path} answers {response.status}"
        return self.page

    def check(self, label: str, *, language: str | None = None):
        """Scan the page now shown (after `goto`, a submission or an opened disclosure), which
        is in the context's language unless `language` says otherwise."""
        page = self.page
        where = f"{label} [{self.language}]"
        language = language or self.language
        assert page.get_attribute("html", "lang") == language, where
        assert page.get_attribute("html", "dir") == DIRECTION[language], where
        violations = axe_violations(page)
        if violations:
            self.found[where] = violations
        self.scanned.append(where)

    def visit(self, path: str, *, status: int = 200, label: str | None = None):
        self.goto(path, status=status)
        self.check(label or path)

    def submit_without_browser_checks(self, form: str, button: str = "button[type=submit]"):
        """Submit a form as it is, so that the server's errors are what shows."""
        page = self.page
        form = page.locator(form).first
        form.evaluate("f => { f.noValidate = true; }")
        with page.expect_navigation():
            form.locator(button).first.click()
        return page

    def assert_clean(self):
        assert self.scanned
        assert not self.found, "WCAG 2.2 AA violations found by axe-core:\n" + describe(self.found)


@pytest.fixture
def scan(browser, live_server):
    """scan(language, user=None) gives a Scan in its own context, closed after the test."""
    contexts = []

    def start(language, user=None):
        context = open_context(browser, live_server, language, user)
        contexts.append(context)
        return Scan(context, live_server, language)

    yield start
    for context in contexts:
        context.close()


@pytest.fixture
def conversation(long_pledge, contributor_a):
    """The long pledge with a comment, a reply and a comment on its progress update."""
    comment = CommentFactory(pledge=long_pledge, body="Which provinces come first?")
    CommentFactory(pledge=long_pledge, parent=comment, author=contributor_a, body="The north.")
    CommentFactory(
        pledge=None,
        progress_update=long_pledge.progress_updates.first(),
        body="Good to read **so soon**.",
    )
    return long_pledge


def _measure(pledge):
    """Two indicators on the pledge, one with a value its first progress report gave."""
    result = services.result_save(
        pledge=pledge,
        by=None,
        data={
            "statement": "More workers with a written contract",
            "indicators": [
                {
                    "name": "Workers with a written contract",
                    "unit": "number",
                    "baseline_value": 120,
                    "baseline_date": dt.date(2025, 1, 1),
                    "target_value": 600,
                    "target_date": dt.date(2028, 12, 31),
                    "by_sex": True,
                },
                {"name": "Fees refunded", "unit": "percentage", "target_value": 90},
            ],
        },
    )
    update = pledge.progress_updates.first()
    if update is not None:
        IndicatorActual.objects.create(
            indicator=result.indicators.first(), update=update, period_end=update.date, value=250
        )
    return result


def _open_round():
    today = dt.date.today()
    return ReportingRound.objects.create(
        cycle=ReviewCycle.objects.get(slug="imrf-2026"),
        name="IMRF 2026 progress round",
        slug="imrf-2026-progress",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_wcag_violations(scan, language, conversation):
    _measure(conversation)
    round_ = _open_round()
    objective = Objective.objects.get(number=7)
    cycle = ReviewCycle.objects.get(slug="imrf-2026")
    actor = Actor.objects.filter(slug="organisation-a").get()
    reference_actor = Actor.objects.exclude(pk=actor.pk).order_by("pk").first()
    coalition = Coalition.objects.order_by("pk").first()
    source = SourceDocument.objects.order_by("pk").first()
    missing = (Pledge.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    need = NeedFactory(actor=actor, countries=["SN"])
    OfferFactory(need=need, actor=reference_actor)
    visitor = scan(language)

    for path in [
        "/",
        "/pledges/",
        "/pledges/?scope=national&q=nothing-matches-this",
        f"/pledges/{conversation.pk}/",
        "/objectives/",
        f"/objectives/{objective.number}/",
        "/principles/",
        "/cycles/",
        f"/cycles/{cycle.slug}/",
        "/actors/",
        f"/actors/{actor.slug}/",
        f"/actors/{reference_actor.slug}/",
        "/coalitions/",
        f"/coalitions/{coalition.slug}/",
        "/sources/",
        f"/sources/{source.slug}/",
        "/timeline/",
        "/open-data/",
        "/transparency/",
        "/coverage/",
        "/coverage/?by=coalition",
        "/search/",
        "/search/?q=provinces",
        "/search/?q=provinse",
        "/dashboard/",
        "/map/",
        "/rounds/",
        f"/rounds/{round_.slug}/",
        "/needs/",
        "/needs/?status=met&support=financial",
        f"/needs/{need.pk}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]:
        visitor.visit(path)
    visitor.visit(f"/pledges/{missing}/", status=404, label="404 (a missing pledge)")
    visitor.visit("/coverage/?by=nonsense&cycle=none", status=400, label="coverage, bad filters")

    visitor.goto("/accounts/login/")
    visitor.submit_without_browser_checks("main form")
    visitor.check("sign-in with errors")
    visitor.goto("/accounts/signup/")
    visitor.submit_without_browser_checks("main form")
    visitor.check("sign-up with errors")

    visitor.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_429_and_503_pages_have_no_wcag_violations(scan, language, verified_user):
    visitor = scan(language)
    # allauth allows three password resets an hour for one address; the fourth is refused with
    # the portal's own 429 page (templates/429.html).
    for _ in range(4):
        visitor.goto("/accounts/password/reset/")
        visitor.page.fill("input[name=email]", verified_user.email)
        with visitor.page.expect_navigation() as navigation:
            visitor.page.click("main form button[type=submit]")
    assert navigation.value.status == 429
    visitor.check("429 (too many password resets)")

    # While the database cannot be reached, every page is the 503 page (templates/503.html).
    refused = OperationalError("connection to server failed: Connection refused")
    # (Every query of every connection fails; the connections themselves stay open, as Django
    # checks them before each request.)
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        visitor.goto("/pledges/", status=503)
        visitor.check("503 (database down)")

    visitor.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_contributors_pages_and_forms_have_no_wcag_violations(
    scan, language, contributor_a, conversation
):
    comment = Comment.objects.filter(pledge=conversation, parent=None).get()
    draft = PledgeFactory(lead=contributor_a.memberships.get().actor, title="A draft")
    result = _measure(draft)
    own_need = NeedFactory(actor=draft.lead)
    other_need = NeedFactory()
    visitor = scan(language, contributor_a)

    for path in [
        "/pledges/mine/",
        "/pledges/new/",
        f"/pledges/{draft.pk}/",
        f"/pledges/{draft.pk}/edit/",
        f"/pledges/{draft.pk}/results/new/",
        f"/pledges/{draft.pk}/results/{result.pk}/",
        "/accounts/organisations/",
        "/accounts/organisations/propose/",
        "/accounts/profile/",
        "/accounts/notifications/",
        "/accounts/notifications/settings/",
        "/accounts/following/",
        "/objectives/7/",
        "/pledges/?objective=7",
        "/accounts/tokens/",
        "/accounts/security/",
        "/accounts/delete/",
        f"/comments/{comment.pk}/flag/",
        "/needs/new/",
        f"/needs/{own_need.pk}/",
        f"/needs/{own_need.pk}/edit/",
        f"/needs/{other_need.pk}/",
    ]:
        visitor.visit(path)

    visitor.goto("/needs/new/")
    visitor.submit_without_browser_checks("form.need-form")
    visitor.check("need form submitted empty")

    visitor.goto(f"/needs/{other_need.pk}/")
    visitor.submit_without_browser_checks("form.offer-form")
    visitor.check("offer form with errors")

    visitor.goto("/pledges/new/")
    visitor.submit_without_browser_checks("form.pledge-form")
    visitor.check("pledge form submitted empty")

    visitor.goto(f"/comments/{comment.pk}/flag/")
    visitor.submit_without_browser_checks("main form.stacked-form")
    visitor.check("flag form with errors")

    page = visitor.goto(f"/pledges/{draft.pk}/results/new/")
    page.fill("input[name=statement]", "")
    page.fill("input[name='indicators-0-name']", "A percentage too high")
    page.select_option("select[name='indicators-0-unit']", "percentage")
    page.fill("input[name='indicators-0-target_value']", "150")
    visitor.submit_without_browser_checks("main form.stacked-form")
    visitor.check("expected result form with errors")

    visitor.goto("/accounts/organisations/propose/")
    visitor.submit_without_browser_checks("main form.stacked-form")
    visitor.check("actor proposal with errors")

    visitor.goto("/accounts/profile/")
    visitor.page.fill("main form input[name=display_name]", "")
    visitor.submit_without_browser_checks("main form.stacked-form")
    visitor.check("profile with errors")

    page = visitor.goto(f"/pledges/{conversation.pk}/")
    for summary in page.locator("main summary").all():
        summary.click()
    visitor.check("pledge with comments, every reply box open")
    visitor.submit_without_browser_checks("main form.comment-form")
    visitor.check("comment form with errors")

    visitor.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_of_a_user_without_organisation_have_no_wcag_violations(
    scan, language, verified_user, actor_a
):
    visitor = scan(language, verified_user)

    for path in [
        "/accounts/organisations/",
        f"/actors/{actor_a.slug}/",
        f"/actors/{actor_a.slug}/join/",
        "/accounts/notifications/",
    ]:
        visitor.visit(path)
    visitor.goto(f"/actors/{actor_a.slug}/join/")
    visitor.page.locator("main form.stacked-form textarea").first.fill("x" * 5000)
    visitor.submit_without_browser_checks("main form.stacked-form")
    visitor.check("join request with errors")

    visitor.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_questions_of_a_pledge_and_their_forms_have_no_wcag_violations(
    scan, language, verified_user, focal_a, moderator, long_pledge
):
    """A pledge's questions (open, answered, closed) with the forms to ask, to answer and to
    close, open and sent back with their errors; the flag form of a question."""
    answered = QuestionFactory(pledge=long_pledge, body="Which provinces come first?")
    services.question_answer(question=answered, user=focal_a, body="The *northern* ones.")
    QuestionFactory(
        pledge=long_pledge,
        body="Is this a duplicate?",
        status="closed",
        closed_reason="Asked twice.",
        closed_at=dt.datetime.now(dt.UTC),
    )
    QuestionFactory(pledge=long_pledge, body="When is the baseline study out?")
    page_path = f"/pledges/{long_pledge.pk}/"

    for user, form, label in [
        (verified_user, "form.question-form", "question"),
        (focal_a, "form.answer-form", "answer"),
        (moderator, "form[action$='/close/']", "closing"),
    ]:
        visitor = scan(language, user)
        page = visitor.goto(page_path)
        for summary in page.locator("#questions summary").all():
            summary.click()
        visitor.check(f"pledge with its questions, the {label} form open")
        visitor.submit_without_browser_checks(f"#questions {form}")
        visitor.check(f"{label} form with errors")
        visitor.assert_clean()
    visitor = scan(language, verified_user)
    visitor.visit(f"/questions/{answered.pk}/flag/")
    visitor.visit(f"/answers/{answered.answer.pk}/flag/")
    visitor.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_endorsements_of_a_pledge_and_their_form_have_no_wcag_violations(
    scan, language, focal_b, actor_b, long_pledge
):
    """A pledge's endorsements as a member of another organisation sees them: the list (one
    offering to partner, with a note), the form to endorse open and sent back with its errors,
    then their organisation's own endorsement with its button to withdraw it."""
    EndorsementFactory(
        pledge=long_pledge,
        actor=ActorFactory(name="Partners Abroad"),
        offers_partnership=True,
        note="We can help in Senegal.",
    )
    path = f"/pledges/{long_pledge.pk}/"
    visitor = scan(language, focal_b)

    page = visitor.goto(path)
    page.locator("#endorsements summary").click()
    visitor.check("pledge with its endorsements, the endorsement form open")
    page.locator("#endorsements textarea").evaluate(
        "t => { t.removeAttribute('maxlength'); t.value = 'x'.repeat(1001); }"
    )
    visitor.submit_without_browser_checks("#endorsements form.endorsement-form")
    assert page.locator("form.endorsement-form .field-error textarea").count() == 1
    visitor.check("endorsement form with errors")
    EndorsementFactory(pledge=long_pledge, actor=actor_b)
    visitor.visit(path, label="pledge with the organisation's endorsement to withdraw")

    visitor.assert_clean()


def _filled_template(user, actor, pledge, value) -> bytes:
    """The organisation's spreadsheet, with a report on the pledge giving `value` for its
    percentage indicator (over 100: an error the preview names by its cell)."""
    workbook = openpyxl.load_workbook(io.BytesIO(spreadsheets.template(user, actor)))
    sheet = workbook.worksheets[0]
    fees = Indicator.objects.get(result__pledge=pledge, unit="percentage").pk
    for row in range(2, sheet.max_row + 1):
        if sheet[f"A{row}"].value == pledge.pk and sheet[f"D{row}"].value == fees:
            sheet[f"P{row}"] = "in-progress"
            sheet[f"Q{row}"] = "Most recruitment fees were refunded."
            sheet[f"R{row}"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_focal_points_pages_have_no_wcag_violations(
    scan, language, focal_a, actor_a, long_pledge, tmp_path
):
    JoinRequest.objects.create(
        user=VerifiedUserFactory(display_name="Joy Joiner"),
        actor=actor_a,
        message="I run the northern office.",
    )
    submitted = PledgeFactory(lead=actor_a, title="Ready for review", submitted=True)
    _measure(long_pledge)  # its progress form asks for the values reached
    visitor = scan(language, focal_a)

    for path in [
        f"/pledges/{submitted.pk}/",
        f"/actors/{actor_a.slug}/requests/",
        f"/actors/{actor_a.slug}/members/",
        f"/actors/{actor_a.slug}/edit/",
        "/accounts/organisations/",
        "/accounts/security/",
    ]:
        visitor.visit(path)

    page = visitor.goto(f"/pledges/{long_pledge.pk}/")
    page.click("details:has(form[action$='/progress/']) > summary")
    visitor.check("pledge with the progress form open")
    visitor.submit_without_browser_checks(f"form[action$='/pledges/{long_pledge.pk}/progress/']")
    visitor.check("progress form with errors")

    # The spreadsheet round trip: its page, a preview with errors, a preview to confirm.
    visitor.visit("/pledges/mine/spreadsheet/")
    for label, value in [("spreadsheet preview with errors", 150), ("spreadsheet preview", 40)]:
        path = tmp_path / f"{value}.xlsx"
        path.write_bytes(_filled_template(focal_a, actor_a, long_pledge, value))
        page = visitor.goto("/pledges/mine/spreadsheet/")
        page.set_input_files("main form input[type=file]", str(path))
        page = visitor.submit_without_browser_checks("main form[enctype='multipart/form-data']")
        assert page.locator("main h1").count() == 1
        assert page.locator("#cells-heading").count() == (value > 100)  # the preview, shown
        visitor.check(label)

    visitor.assert_clean()


@pytest.fixture
def moderation_queue(actor_a, long_pledge):
    """A submitted pledge, a flagged comment, and a hidden one."""
    PledgeFactory(lead=actor_a, title="Waiting for a moderator", submitted=True)
    FlagFactory(comment=CommentFactory(pledge=long_pledge, body="Buy cheap watches here."))
    CommentFactory(pledge=long_pledge, body="Hidden words.", is_hidden=True)


@pytest.mark.parametrize("persona", ["moderator", "administrator"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_moderation_pages_have_no_wcag_violations(
    request, scan, language, persona, moderation_queue
):
    visitor = scan(language, request.getfixturevalue(persona))

    for path in ["/moderation/", "/moderation/log/", "/moderation/hidden/", "/pledges/"]:
        visitor.visit(path)
    page = visitor.goto("/moderation/")
    for summary in page.locator("main summary").all():
        summary.click()
    visitor.check("moderation queue, every form open")

    visitor.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_docs_page_has_no_wcag_violations(scan, language):
    visitor = scan(language)
    page = visitor.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", state="attached")
    # Swagger UI and the schema it shows are in English whatever the visitor's language (the
    # schema is, by design: portal.api_urls.SchemaView), so the page says so.
    visitor.check("/api/docs/", language="en")

    visitor.assert_clean()


def test_an_open_api_operation_has_no_wcag_violations(scan):
    """Inside an opened operation, Swagger UI (drf-spectacular's sidecar bundle) draws the
    choices of an enum parameter as a <select> with no label; the portal's page names each after
    its parameter (templates/drf_spectacular/swagger_ui.html)."""
    visitor = scan("en")
    page = visitor.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", state="attached")
    for n in range(3):
        page.locator(".opblock-summary-control").nth(n).click()
    page.wait_for_selector(".opblock-body .parameters")
    page.wait_for_selector("tr[data-param-name] select[aria-label]", state="attached")

    violations = axe_violations(page)

    assert violations == [], describe({"/api/docs/": violations})
    row = page.locator("tr[data-param-name]:has(select)").first
    assert row.locator("select").get_attribute("aria-label") == row.get_attribute("data-param-name")
