"""The interface's language (portal.language): the switcher keeps the page and remembers a
signed-in person's choice, which then wins over the browser's and is the language of their
e-mails; the JavaScript catalogue has an address per language (issue 12)."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from actors.models import User
from actors.models.notifications import Frequency, Kind
from actors.notifications import notify_user, set_preferences
from reviews.services.comments import comment_post
from tests.factories import PledgeFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

COOKIE = "django_language"


def test_the_switcher_sets_the_cookie_and_comes_back_to_the_page(client):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "/pledges/?scope=national"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/pledges/?scope=national"
    assert response.cookies[COOKIE].value == "fr"
    page = client.get("/pledges/")
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr" dir="ltr">' in page.content.decode()


def test_the_switcher_never_sends_anyone_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://elsewhere.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_signed_in_persons_choice_is_saved_and_wins_over_the_browser(client):
    user = VerifiedUserFactory()
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "ar", "next": "/"})

    user.refresh_from_db()
    assert user.language == "ar"
    # Another browser of theirs (no cookie yet), asking for English: their choice wins.
    elsewhere = type(client)()
    elsewhere.force_login(user)
    page = elsewhere.get("/objectives/", HTTP_ACCEPT_LANGUAGE="en")
    assert page["Content-Language"] == "ar"
    assert 'dir="rtl"' in page.content.decode()
    # The switcher's cookie of a browser wins over the saved choice in that browser.
    elsewhere.cookies[COOKIE] = "ru"
    assert elsewhere.get("/objectives/")["Content-Language"] == "ru"


def test_an_unknown_language_is_not_saved(client):
    user = VerifiedUserFactory(language="fr")
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    user.refresh_from_db()
    assert user.language == "fr"


def test_anonymous_visitors_get_the_browsers_language(client):
    page = client.get("/objectives/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page["Content-Language"] == "zh-hans"
    assert not User.objects.exclude(language="").exists()


def test_the_profile_form_keeps_the_language(client):
    user = VerifiedUserFactory(display_name="Ama")
    client.force_login(user)

    response = client.post(
        reverse("actors:profile"), {"display_name": "Ama", "language": "es"}, follow=True
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.language == "es"


def test_a_notification_reaches_each_person_in_their_own_language():
    french = VerifiedUserFactory(language="fr")
    unset = VerifiedUserFactory(language="")
    for user in (french, unset):
        set_preferences(user=user, choices={Kind.REPLY: Frequency.IMMEDIATE})

    with translation.override("ar"):  # whoever caused it reads Arabic
        for user in (french, unset):
            notify_user(
                user=user,
                kind=Kind.REPLY,
                title=gettext_lazy("Pledges"),
                url="/pledges/",
            )

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "Engagements" in by_recipient[french.email].subject
    assert "Vous recevez ce message" in by_recipient[french.email].body
    assert by_recipient[unset.email].subject.endswith("Pledges")
    assert french.notifications.get().title == "Engagements"


def test_the_javascript_catalogue_has_an_address_per_language_and_is_cached(client):
    arabic = client.get(reverse("javascript-catalog", args=["ar"]), HTTP_ACCEPT_LANGUAGE="en")

    assert arabic.status_code == 200
    assert json.dumps("البحث في %(name)s") in arabic.content.decode()  # as the catalogue writes it
    assert "max-age=86400" in arabic["Cache-Control"]
    assert client.get(reverse("javascript-catalog", args=["xx"])).status_code == 404


def test_a_reply_is_announced_in_the_language_of_the_person_replied_to():
    author = VerifiedUserFactory(language="fr")
    replier = VerifiedUserFactory(display_name="Rania", language="ar")
    pledge = PledgeFactory(published=True)
    parent = comment_post(user=author, target_field="pledge", target=pledge, body="Question ?")

    with translation.override("ar"):  # the replier's own request
        comment_post(
            user=replier, target_field="pledge", target=pledge, body="Réponse.", parent=parent
        )

    assert author.notifications.get().title == "Rania a répondu à votre commentaire"
