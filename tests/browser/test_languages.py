"""The interface in the six UN languages, in a real browser: the switcher keeps the page, Arabic
reads right to left, and no page is wider than the screen at 320 px or 1,280 px in English or
in Arabic (issue 12)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [320, 1280]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_switcher_brings_the_same_page_back_in_the_chosen_language(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/pledges/?scope=national")
    assert page.get_attribute("html", "lang") == "en"

    page.select_option("#language-choice", "fr")
    page.click(".language-switcher button")
    page.wait_for_url("**/pledges/?scope=national")

    assert page.get_attribute("html", "lang") == "fr"
    assert page.get_attribute("html", "dir") == "ltr"
    assert page.locator("nav[aria-label='Principale'] >> text=Engagements").is_visible()
    # The choice stays for the next pages.
    page.goto(f"{live_server.url}/objectives/")
    assert page.get_attribute("html", "lang") == "fr"


def test_arabic_reads_right_to_left_and_the_script_strings_are_translated(
    live_server, browser, long_pledge
):
    context = browser.new_context(locale="ar", extra_http_headers={"Accept-Language": "ar"})
    page = context.new_page()
    page.goto(f"{live_server.url}/pledges/")

    assert page.get_attribute("html", "lang") == "ar"
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The JavaScript catalogue of the page's language is loaded (portal.js's strings).
    assert page.evaluate("pgettext('list separator', ', ')") == "، "
    assert page.evaluate("gettext('Search %(name)s')") == "البحث في %(name)s"
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(live_server, browser, long_pledge, language, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, extra_http_headers={"Accept-Language": language}
    )
    page = context.new_page()
    for path in [
        "/",
        "/pledges/",
        f"/pledges/{long_pledge.pk}/",
        "/objectives/",
        "/objectives/7/",
        "/actors/",
        "/cycles/",
        "/coverage/",
        "/dashboard/",
        "/map/",
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        page.goto(live_server.url + path)
        assert page.get_attribute("html", "lang") == language, path
        assert fits(page), f"{path} scrolls sideways at {width} px in {language}"
    context.close()
