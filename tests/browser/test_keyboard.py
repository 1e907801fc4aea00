"""The portal with a keyboard only, and the WCAG 2.2 AA checks axe-core cannot make alone: every
control shows where the focus is (2.4.7) and is not hidden behind the header when focused
(2.4.11), controls outside running text are at least 24 × 24 px or spaced as far (2.5.8), motion
stops for whoever asks the system to reduce it, and three tasks are done with Tab, Enter, Space
and typing alone: drafting and submitting a pledge, hiding a flagged comment from the moderation
queue, and asking to join an organisation."""

import pytest

from actors.models.joins import JoinRequest
from reviews.models import Comment, Objective, Pledge, ReviewCycle
from tests.browser.test_accessibility import LANGUAGES, open_context
from tests.factories import CommentFactory, FlagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# After each Tab: the focused element, whether it shows a focus ring of its own (an outline of at
# least 2 px or a box shadow), and whether it is what is drawn at its own centre (not covered by
# the header or anything else). `again` ends the walk when the focus comes back to the start.
FOCUSED = """(walk) => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    window.__tabbed = window.__tabbed || {};
    const seen = (window.__tabbed[walk] = window.__tabbed[walk] || new WeakSet());
    const again = seen.has(el);
    seen.add(el);
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== "none";
    const labels = Array.from(el.labels || []);
    const mine = (hit) => !!hit
        && (hit === el || el.contains(hit) || labels.some((l) => l.contains(hit)));
    // The middle of each of its boxes (a link has one per line), as far as it is in the window.
    const hits = Array.from(el.getClientRects()).map((box) => {
        const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth);
        const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
        return right > left && bottom > top
            ? document.elementFromPoint((left + right) / 2, (top + bottom) / 2) : null;
    });
    const covering = hits.find((hit) => hit && !mine(hit));
    return {
        again,
        html: el.outerHTML.slice(0, 140),
        ring: el.matches(":focus-visible") && (outline || shadow),
        seen: hits.some(mine),
        covering: covering ? covering.outerHTML.slice(0, 80) : null,
    };
}"""

# WCAG 2.5.8 on the page: each link, button or field outside running text is at least 24 × 24
# px, or its 24 px circle meets no other target (nor another small target's circle). A link
# inside a block of text (other than separators) is exempt, as the criterion says.
SMALL_TARGETS = """() => {
    const targets = Array.from(document.querySelectorAll(
        "a[href], button, input:not([type=hidden]), select, textarea, summary"
    )).filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
    });
    const inText = (el) => {
        if (!el.matches("a")) return false;
        let block = el.parentElement;
        while (block && getComputedStyle(block).display.startsWith("inline")) {
            block = block.parentElement;
        }
        const clone = block.cloneNode(true);
        clone.querySelectorAll("a, button, input, select, textarea").forEach((t) => t.remove());
        return /[\\p{L}\\p{N}]/u.test(clone.textContent);
    };
    const boxes = targets.map((el) => el.getBoundingClientRect());
    const centre = (b) => [b.left + b.width / 2, b.top + b.height / 2];
    const small = boxes.map((b, i) => (b.width < 24 || b.height < 24) && !inText(targets[i]));
    const gap = (b, [x, y]) => Math.hypot(
        Math.max(b.left - x, 0, x - b.right), Math.max(b.top - y, 0, y - b.bottom)
    );
    const failing = [];
    boxes.forEach((b, i) => {
        if (!small[i]) return;
        const c = centre(b);
        const crowded = boxes.some((o, j) => j !== i && (small[j]
            ? Math.hypot(c[0] - centre(o)[0], c[1] - centre(o)[1]) < 24
            : gap(o, c) < 12));
        if (crowded) {
            failing.push(`${targets[i].outerHTML.slice(0, 100)} (${b.width}×${b.height})`);
        }
    });
    return failing;
}"""

MOVING = """() => {
    const seconds = (list) => Math.max(...list.split(",").map((v) =>
        v.trim().endsWith("ms") ? parseFloat(v) / 1000 : parseFloat(v)));
    const moving = Array.from(document.querySelectorAll("*")).filter((el) => {
        const style = getComputedStyle(el);
        return seconds(style.transitionDuration) > 0.01 || seconds(style.animationDuration) > 0.01;
    }).map((el) => el.outerHTML.slice(0, 100));
    if (getComputedStyle(document.documentElement).scrollBehavior === "smooth") {
        moving.push("html { scroll-behavior: smooth }");
    }
    return moving;
}"""


@pytest.fixture
def open_page(browser, live_server):
    """open_page(user=None, language="en", **context options): a page in a context of its own."""
    contexts = []

    def start(user=None, language="en", **options):
        context = open_context(browser, live_server, language, user, **options)
        contexts.append(context)
        return context.new_page()

    yield start
    for context in contexts:
        context.close()


def tab_through(page, key="Tab", limit=1500) -> list[dict]:
    """Press Tab (or Shift+Tab) until the focus comes back where it started: what each stop
    showed. Forwards, the browser scrolls each control in at the bottom of the window;
    backwards, at the top, where a header that stays on screen would cover it."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        stop = page.evaluate(FOCUSED, key)
        if stop is None or stop["again"]:
            return stops
        stops.append(stop)
    raise AssertionError(f"the focus did not come back after {limit} presses of Tab")


def tab_to(page, selector: str, limit=1500):
    """Press Tab until the focus is on `selector` (keyboard only: no click, no focus())."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def choose(page, select: str, value: str):
    """Tab to a closed <select> and type the start of an option's text, as a person would."""
    label = page.locator(f"{select} option[value='{value}']").inner_text()
    tab_to(page, select)
    page.keyboard.type(label.strip()[:12])
    assert page.locator(select).input_value() == value, f"{select}: {label} not chosen"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_control_shows_its_focus_and_is_not_covered_when_focused(
    live_server, open_page, language, contributor_a, long_pledge
):
    for n in range(3):
        CommentFactory(pledge=long_pledge, body=f"Comment {n} on a long page.")
    # A short window makes the pages long: every control is scrolled to as it is reached.
    viewport = {"width": 1024, "height": 500}
    pages = {
        None: [
            "/",
            "/pledges/",
            f"/pledges/{long_pledge.pk}/",
            "/accounts/login/",
            "/coverage/",
            "/dashboard/",
            "/map/",
        ],
        contributor_a: [f"/pledges/{long_pledge.pk}/", "/pledges/new/", "/accounts/profile/"],
    }
    without_ring, covered = [], []
    for user, paths in pages.items():
        page = open_page(user, language, viewport=viewport)
        for path in paths:
            page.goto(live_server.url + path)
            stops = tab_through(page)
            assert len(stops) > 5, path
            stops += tab_through(page, "Shift+Tab")
            without_ring += [f"{path}: {s['html']}" for s in stops if not s["ring"]]
            covered += [
                f"{path}: {s['html']} under {s['covering']}" for s in stops if not s["seen"]
            ]

    assert not without_ring, "focused without a visible focus ring:\n" + "\n".join(without_ring)
    assert not covered, "focused but covered:\n" + "\n".join(covered)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [390, 1280])
def test_controls_outside_running_text_are_at_least_24_pixels(
    live_server, open_page, language, width, contributor_a, long_pledge
):
    CommentFactory(pledge=long_pledge, author=contributor_a, body="My own comment.")
    page = open_page(contributor_a, language, viewport={"width": width, "height": 900})
    small = []
    # The world map's countries are also the links of its table (WCAG 2.5.8's "equivalent"):
    # tests/reviews/test_discovery.py holds it to that, and its small countries are left out.
    for path in [
        "/",
        "/pledges/",
        f"/pledges/{long_pledge.pk}/",
        "/pledges/new/",
        "/actors/",
        "/coverage/",
        "/dashboard/",
    ]:
        page.goto(live_server.url + path)
        if width < 600:
            page.keyboard.press("Tab")  # the folded menu stays folded; its button is a target
        small += [f"{path}: {target}" for target in page.evaluate(SMALL_TARGETS)]

    assert not small, "targets under 24 × 24 px with neighbours too close:\n" + "\n".join(small)


def test_nothing_moves_for_whoever_asks_for_reduced_motion(live_server, open_page, long_pledge):
    page = open_page(reduced_motion="reduce")
    moving = []
    for path in ["/", "/pledges/", f"/pledges/{long_pledge.pk}/", "/accounts/login/"]:
        page.goto(live_server.url + path)
        page.keyboard.press("Tab")
        moving += [f"{path}: {element}" for element in page.evaluate(MOVING)]
        assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")

    assert not moving, "still moving with reduced motion:\n" + "\n".join(moving)


DESCRIPTION = (
    "The organisation will open two desks where migrant workers have their skills recognised "
    "within thirty days, with employers and trade unions, and will publish yearly figures on "
    "applications and outcomes, reviewed with migrant-led organisations twice a year. "
) * 2


def test_a_pledge_is_drafted_and_submitted_with_the_keyboard_only(
    live_server, open_page, contributor_a, focal_a
):
    objective = Objective.objects.get(number=7)
    cycle = ReviewCycle.objects.get(slug="imrf-2026")
    drafter = open_page(contributor_a)
    drafter.goto(f"{live_server.url}/pledges/mine/")

    tab_to(drafter, "main a[href$='/pledges/new/']")
    with drafter.expect_navigation():
        drafter.keyboard.press("Enter")
    tab_to(drafter, "#id_title")
    drafter.keyboard.type("Skills desk, by keyboard")
    tab_to(drafter, "#id_summary")
    drafter.keyboard.type("Recognise migrant workers' skills within thirty days.")
    tab_to(drafter, "#id_description")
    drafter.keyboard.insert_text(DESCRIPTION)
    choose(drafter, "#id_kind", Pledge.Kind.INDIVIDUAL)
    choose(drafter, "#id_support", Pledge.Support.PROGRAMME)
    tab_to(drafter, f"input[name=objectives][value='{objective.pk}']")
    drafter.keyboard.press("Space")
    choose(drafter, "#id_primary_objective", str(objective.pk))
    choose(drafter, "#id_scope", Pledge.Scope.NATIONAL)
    tab_to(drafter, "#id_countries-search")
    drafter.keyboard.type("ghana")
    tab_to(drafter, "#id_countries-options li:not([hidden]) input")
    drafter.keyboard.press("Space")
    tab_to(drafter, "#id_start_date")
    drafter.keyboard.type("01012026")
    tab_to(drafter, "#id_end_date")
    drafter.keyboard.type("01012028")
    tab_to(drafter, "#id_contact_name")
    drafter.keyboard.type("Cora Contributor")
    tab_to(drafter, "#id_contact_email")
    drafter.keyboard.type("cora@example.org")
    choose(drafter, "#id_cycle", str(cycle.pk))
    tab_to(drafter, "#id_concerns_migrants")
    drafter.keyboard.press("Space")
    tab_to(drafter, "form.pledge-form button[type=submit]")
    with drafter.expect_navigation():
        drafter.keyboard.press("Enter")

    assert "The draft is saved" in drafter.content(), drafter.inner_text("main")[:800]
    pledge = Pledge.objects.get(title="Skills desk, by keyboard")
    assert pledge.status == Pledge.Status.DRAFT
    assert pledge.countries == ["GH"]
    assert pledge.start_date.isoformat() == "2026-01-01"
    assert list(pledge.objectives.all()) == [objective]

    # A contributor drafts; the organisation's focal point submits.
    submitter = open_page(focal_a)
    submitter.goto(live_server.url + pledge.get_absolute_url())
    tab_to(submitter, "form[action$='/submit/'] button")
    with submitter.expect_navigation():
        submitter.keyboard.press("Enter")

    assert "The pledge is submitted" in submitter.content(), submitter.inner_text("main")[:800]
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_a_moderator_hides_a_flagged_comment_with_the_keyboard_only(
    live_server, open_page, moderator, long_pledge
):
    comment = CommentFactory(pledge=long_pledge, body="Buy cheap watches here.")
    FlagFactory(comment=comment)
    page = open_page(moderator)
    page.goto(f"{live_server.url}/moderation/")

    tab_to(page, f"#comment-{comment.pk} details.action-details > summary")
    page.keyboard.press("Enter")
    tab_to(page, f"#hide-comment-{comment.pk}")
    page.keyboard.type("Advertising.")
    tab_to(page, f"form[action$='/comment/{comment.pk}/hide/'] button")
    with page.expect_navigation():
        page.keyboard.press("Space")

    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_reason == "Advertising."
    assert f"comment-{comment.pk}" not in page.locator("main").inner_html()
    assert not Comment.objects.filter(pk=comment.pk, is_hidden=False).exists()


def test_a_person_asks_to_join_an_organisation_with_the_keyboard_only(
    live_server, open_page, verified_user, actor_a
):
    page = open_page(verified_user)
    page.goto(f"{live_server.url}{actor_a.get_absolute_url()}")

    tab_to(page, f"main a[href$='/actors/{actor_a.slug}/join/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "main textarea[name=message]")
    page.keyboard.type("I run the northern office.")
    tab_to(page, "main form.stacked-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    request = JoinRequest.objects.get(user=verified_user, actor=actor_a)
    assert request.status == JoinRequest.Status.PENDING
    assert request.message == "I run the northern office."
