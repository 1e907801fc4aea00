"""At 390 × 844 (a small phone) no page is wider than the screen, the header folds its menu
behind a button that opens it, and the pledge form's enhancements work: the error summary takes
focus, and the countries chooser filters and ticks the select's options."""

import pytest

from tests.browser.test_pledge_journey import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    # On a phone the account links sit in the folded menu: present, not shown.
    page.wait_for_selector("text=Sign out", state="attached")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_pages_fit_a_small_screen_and_the_menu_opens(
    live_server, phone, contributor_a, long_pledge
):
    for path in ["/", "/pledges/", f"/pledges/{long_pledge.pk}/"]:
        phone.goto(live_server.url + path)
        assert fits(phone), path

    menu = phone.locator("[data-menu-button]")
    assert menu.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    assert not phone.locator("nav[aria-label=Main]").is_visible()
    header_height = phone.evaluate("document.querySelector('.site-header').offsetHeight")
    assert header_height <= 844 / 10, "the folded header takes little height"
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert phone.locator("nav[aria-label=Main] >> text=Objectives").is_visible()
    assert fits(phone)

    sign_in(phone, live_server, contributor_a)
    phone.goto(live_server.url + "/pledges/new/")
    assert fits(phone), "the pledge form"


def test_without_script_the_menu_shows_and_no_button_does(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/pledges/")

    assert page.locator("nav[aria-label=Main] >> text=Objectives").is_visible()
    assert not page.locator("[data-menu-button]").is_visible()
    assert fits(page)
    context.close()


def test_the_error_summary_takes_focus_and_the_country_chooser_filters(
    live_server, phone, contributor_a
):
    sign_in(phone, live_server, contributor_a)
    phone.goto(live_server.url + "/pledges/new/")

    phone.fill("#id_countries-search", "seneg")
    assert phone.locator("label:text-is('Senegal')").is_visible()
    assert not phone.locator("label:text-is('France')").is_visible()
    phone.check("label:text-is('Senegal')")
    phone.fill("#id_title", "")
    # The server's check, not the browser's, is what this test is about.
    phone.evaluate("document.querySelector('form.pledge-form').noValidate = true")
    phone.click("form.pledge-form button[type=submit]")

    phone.wait_for_selector("[data-error-summary]")
    assert phone.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert phone.locator("#id_countries option[value=SN]").evaluate("o => o.selected")
    assert fits(phone)
