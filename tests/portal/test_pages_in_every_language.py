"""Every page type renders in each of the six languages (issue 12): no error, `<html lang dir>`
right (Arabic right to left), the header in that language, and the switcher set to come back to
the very page it is on."""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    CommentFactory,
    PledgeFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROOT = re.compile(r'<html lang="([^"]+)" dir="(ltr|rtl)">')
NEXT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')


@pytest.fixture
def pages(actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, language="fr")
    ProgressUpdateFactory(pledge=pledge, actor=actor_a)
    CommentFactory(pledge=pledge)
    return {
        None: [
            reverse("home"),
            reverse("reviews:pledge-list") + "?objective=6&sort=title",
            reverse("reviews:search") + "?q=migration",
            pledge.get_absolute_url(),
            reverse("reviews:objective-list"),
            reverse("reviews:objective-detail", args=[6]),
            reverse("reviews:principle-list"),
            reverse("reviews:cycle-list"),
            reverse("reviews:cycle-detail", args=["imrf-2026"]),
            reverse("reviews:timeline"),
            reverse("reviews:source-list"),
            reverse("reviews:open-data"),
            reverse("reviews:transparency"),
            reverse("reviews:coverage"),
            reverse("reviews:dashboard"),
            reverse("reviews:map"),
            reverse("actors:actor-list"),
            actor_a.get_absolute_url(),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
        ],
        "contributor_a": [
            reverse("reviews:pledge-create"),
            reverse("reviews:pledge-mine"),
            reverse("reviews:pledge-edit", args=[PledgeFactory(lead=actor_a).pk]),
            reverse("actors:my-organisations"),
        ],
        "moderator": [
            reverse("reviews:moderation"),
            reverse("reviews:moderation-log"),
            reverse("reviews:moderation-hidden"),
        ],
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_renders_in_the_language_and_the_switcher_keeps_it(
    request, client, pages, language
):
    with translation.override(language):
        pledges_label = translation.gettext("Pledges")
    client.cookies["django_language"] = language
    for persona, urls in pages.items():
        if persona is not None:
            # The moderator fixture holds a second factor, as moderation asks.
            client.force_login(request.getfixturevalue(persona))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (language, url, response.status_code)
            page = response.content.decode()
            assert ROOT.search(page).groups() == (
                language,
                "rtl" if translation.get_language_info(language)["bidi"] else "ltr",
            ), url
            assert f">{pledges_label}<" in page, (language, url)
            assert html.unescape(NEXT.search(page).group(1)) == url, (language, url)
