"""The language a pledge, a progress report and a comment is written in (issue 12): recorded as
the writer chose it, else in the writer's interface language; marked with `lang` and named to
readers; filterable in the HTML list, the API and the exports, exactly alike."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Comment, Pledge, ProgressUpdate
from tests.api.conftest import token_client
from tests.api.test_api_pledges import complete_pledge
from tests.factories import (
    CommentFactory,
    PledgeFactory,
    ProgressUpdateFactory,
    pledge_form_data,
)
from tests.reviews.test_exports import complete_csv

pytestmark = pytest.mark.django_db

LIST = reverse("reviews:pledge-list")
API_PLEDGES = reverse("api:pledge-list")
COMMENT = reverse("reviews:comment-create")


@pytest.fixture
def shelf(actor_a):
    """Public pledges in three languages, one written before languages were recorded."""
    return {
        "fr": PledgeFactory(lead=actor_a, published=True, language="fr", title="Voies sûres"),
        "ar": PledgeFactory(lead=actor_a, published=True, language="ar", title="مسارات آمنة"),
        "en": PledgeFactory(lead=actor_a, published=True, language="en", title="Safe pathways"),
        "": PledgeFactory(lead=actor_a, published=True, language="", title="Older pledge"),
    }


def test_a_new_pledge_is_written_in_the_interface_language_unless_another_is_chosen(
    client, contributor_a
):
    client.force_login(contributor_a)
    form = client.get(reverse("reviews:pledge-create"), HTTP_ACCEPT_LANGUAGE="es")
    assert form.context["form"]["language"].value() == "es"

    client.post(reverse("reviews:pledge-create"), pledge_form_data(), HTTP_ACCEPT_LANGUAGE="es")
    client.post(
        reverse("reviews:pledge-create"),
        pledge_form_data(language="ru"),
        HTTP_ACCEPT_LANGUAGE="es",
    )

    assert sorted(Pledge.objects.values_list("language", flat=True)) == ["es", "ru"]


def test_editing_keeps_the_language_unless_it_is_changed(client, contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, language="fr")
    client.force_login(contributor_a)
    edit = reverse("reviews:pledge-edit", args=[pledge.pk])

    assert client.get(edit).context["form"]["language"].value() == "fr"
    client.post(edit, pledge_form_data(pledge, language=None), HTTP_ACCEPT_LANGUAGE="ar")
    pledge.refresh_from_db()
    assert pledge.language == "fr"

    client.post(edit, pledge_form_data(pledge, language="en"))
    pledge.refresh_from_db()
    assert pledge.language == "en"


def test_an_unknown_language_is_a_form_error_and_the_draft_is_kept(client, contributor_a):
    client.force_login(contributor_a)

    response = client.post(
        reverse("reviews:pledge-create"), pledge_form_data(language="xx", title="Kept title")
    )

    assert response.context["form"].errors["language"]
    assert response.context["form"]["title"].value() == "Kept title"
    assert not Pledge.objects.exists()


def test_comments_and_progress_reports_record_their_language(
    client, focal_a, actor_a, verified_user
):
    pledge = PledgeFactory(lead=actor_a, published=True)
    client.force_login(verified_user)
    client.post(
        COMMENT,
        {"target": "pledge", "target_id": pledge.pk, "body": "سؤال"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    client.post(
        COMMENT,
        {"target": "pledge", "target_id": pledge.pk, "body": "Une question", "language": "fr"},
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    client.force_login(focal_a)
    client.post(
        reverse("reviews:pledge-progress", args=[pledge.pk]),
        {"actor": actor_a.pk, "date": "2026-01-05", "stage": "in-progress", "narrative": "Hecho."},
        HTTP_ACCEPT_LANGUAGE="es",
    )

    assert dict(Comment.objects.values_list("body", "language")) == {
        "سؤال": "ar",
        "Une question": "fr",
    }
    assert ProgressUpdate.objects.get().language == "es"


def test_the_api_records_the_given_language_or_the_requests(focal_a, actor_a):
    client = token_client(focal_a)

    given = client.post(API_PLEDGES, complete_pledge(actor_a, language="zh-hans"), format="json")
    default = client.post(
        API_PLEDGES, complete_pledge(actor_a), format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    wrong = client.post(API_PLEDGES, complete_pledge(actor_a, language="xx"), format="json")

    assert given.status_code == 201 and given.json()["language"] == "zh-hans"
    assert default.status_code == 201 and default.json()["language"] == "fr"
    assert wrong.status_code == 400 and "language" in wrong.json()
    assert Pledge.objects.count() == 2


def test_readers_are_told_the_language_and_the_text_is_marked_with_it(client, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True, language="ar", title="مسارات آمنة")
    update = ProgressUpdateFactory(pledge=pledge, actor=actor_a, language="fr", narrative="Fait.")
    comment = CommentFactory(pledge=pledge, language="es", body="Una pregunta.")
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Una pregunta.</p>")

    page = client.get(pledge.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<h1 lang="ar" dir="rtl">مسارات آمنة</h1>' in page
    assert "Written in Arabic" in page
    assert f'id="progress-{update.pk}"' in page and '<div lang="fr" dir="ltr"><p>Fait.</p>' in page
    assert "Written in French" in page
    assert '<div class="comment-body" lang="es" dir="ltr"><p>Una pregunta.</p></div>' in page
    assert "Written in Spanish" in page
    # In French, the names are French.
    french = client.get(pledge.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "arabe" in french.lower()


def test_a_text_of_unknown_language_is_not_marked(client, shelf):
    page = client.get(shelf[""].get_absolute_url()).content.decode()
    assert "<h1>Older pledge</h1>" in page and "Written in" not in page
    cards = client.get(LIST).content.decode()
    assert '<h2 lang="fr" dir="ltr"><a' in cards and '<h2 lang="ar" dir="rtl"><a' in cards
    assert "<h2><a" in cards  # the older pledge


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_list_the_api_and_the_export_filter_by_language_alike(client, shelf, language):
    html = {p.pk for p in client.get(LIST, {"language": language}).context["page"]}
    api = APIClient().get(API_PLEDGES, {"language": language, "page_size": 100}).json()
    body = b"".join(
        client.get(
            reverse("reviews:export", args=["pledges", "csv"]), {"language": language}
        ).streaming_content
    )
    exported = list(csv.DictReader(io.StringIO(complete_csv(body), newline="")))

    assert html == {shelf[language].pk}
    assert {row["id"] for row in api["results"]} == html
    assert [(int(row["id"]), row["language"]) for row in exported] == [
        (shelf[language].pk, language)
    ]


def test_a_language_filter_of_no_language_is_a_clear_error(client, shelf):
    response = client.get(LIST, {"language": "klingon"})
    assert response.status_code == 400 and response.context["filter"].errors["language"]
    api = APIClient().get(API_PLEDGES, {"language": "klingon"})
    assert api.status_code == 400 and "language" in api.json()


def test_comments_and_updates_are_filtered_by_language_in_the_api(actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    french = CommentFactory(pledge=pledge, language="fr")
    CommentFactory(pledge=pledge, language="en")
    russian = ProgressUpdateFactory(pledge=pledge, actor=actor_a, language="ru")
    ProgressUpdateFactory(pledge=pledge, actor=actor_a, language="en")

    comments = APIClient().get(reverse("api:comment-list"), {"language": "fr"}).json()
    updates = APIClient().get(reverse("api:progress-update-list"), {"language": "ru"}).json()

    assert [(c["id"], c["language"]) for c in comments["results"]] == [(french.pk, "fr")]
    assert [(u["id"], u["language"]) for u in updates["results"]] == [(russian.pk, "ru")]
