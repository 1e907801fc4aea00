"""Errors are JSON, with the right status and a clear message, and odd input is never a 500."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import ApiToken
from reviews.models import Comment, Objective, Pledge
from reviews.services import comments as comment_services
from tests.api.conftest import assert_json_error, set_throttle_rates, token_client
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:pledge-list")


def detail(pledge) -> str:
    return reverse("api:pledge-detail", args=[pledge.pk])


def test_malformed_json_is_a_400(focal_a):
    response = token_client(focal_a).post(LIST, "{bad json", content_type="application/json")

    assert_json_error(response, 400, "JSON parse error")
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/pledges/?objective=abc", "objective"),
        ("/api/v1/pledges/?actor_kind=dragon", "actor_kind"),
        ("/api/v1/pledges/?country=ZZ", "country"),
        ("/api/v1/comments/?since=yesterday", "since"),
        ("/api/v1/progress-updates/?stage=done", "stage"),
        ("/api/v1/actors/?kind=dragon", "kind"),
        ("/api/v1/stats/coverage/?objective=abc", "objective"),
        ("/api/v1/stats/month/?freshness=purple", "freshness"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(url, field):
    body = assert_json_error(APIClient().get(url), 400)

    assert field in body


def test_a_write_without_credentials_is_a_401_that_says_how_to_authenticate(actor_a):
    response = APIClient().post(LIST, {"lead": actor_a.pk, "title": "x"}, format="json")

    assert_json_error(response, 401, "Authentication credentials were not provided.")
    assert response["WWW-Authenticate"].startswith("Token")
    assert not Pledge.objects.exists()


def test_a_revoked_token_is_a_401_even_for_reading(focal_a):
    token, key = ApiToken.objects.create_for(user=focal_a, name="old system")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    assert_json_error(client.get(LIST), 401, "Invalid or revoked token.")


@pytest.mark.parametrize("header", ["Token nope", "Token ", "Token a b", "Bearer x", "Token \x00"])
def test_an_unknown_or_malformed_token_is_a_401(header):
    response = APIClient(HTTP_AUTHORIZATION=header).post(LIST, {}, format="json")

    assert_json_error(response, 401)


def test_a_role_that_does_not_allow_it_is_a_403(contributor_a, actor_a):
    pledge = PledgeFactory(lead=actor_a)

    response = token_client(contributor_a).post(f"{detail(pledge)}submit/", format="json")

    assert_json_error(response, 403, "permission")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.DRAFT


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/pledges/987654/",
        "/api/v1/objectives/99/",
        "/api/v1/cycles/no-such-cycle/",
        "/api/v1/no-such-thing/",
        "/api/v2/pledges/",
        "/api/v1/pledges/1/no-such-action/",
    ],
)
def test_what_does_not_exist_is_a_json_404(url):
    assert_json_error(APIClient().get(url), 404, "Not found.")


def test_a_get_without_the_final_slash_redirects_to_it():
    response = APIClient().get("/api/v1/pledges?objective=3")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/pledges/?objective=3"


def test_a_post_without_the_final_slash_is_a_json_404(focal_a, actor_a):
    response = token_client(focal_a).post(
        "/api/v1/pledges", {"lead": actor_a.pk, "title": "x"}, format="json"
    )

    assert_json_error(response, 404)


@pytest.mark.parametrize("method", ["put", "delete"])
def test_pledges_are_neither_replaced_nor_deleted(focal_a, actor_a, method):
    pledge = PledgeFactory(lead=actor_a, title="Stays")

    response = getattr(token_client(focal_a), method)(
        detail(pledge), {"title": "Gone", "version": 1}, format="json"
    )

    assert_json_error(response, 405, f'Method "{method.upper()}" not allowed.')
    assert Pledge.objects.get(pk=pledge.pk).title == "Stays"


def test_a_version_conflict_is_a_409_with_the_current_version(focal_a, actor_a):
    pledge = PledgeFactory(lead=actor_a)

    response = token_client(focal_a).patch(
        detail(pledge), {"title": "x", "version": 5}, format="json"
    )

    body = assert_json_error(response, 409, "changed by someone else")
    assert body["current_version"] == 1


def test_a_body_over_the_upload_limit_is_a_413(focal_a, actor_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    data = {"lead": actor_a.pk, "title": "Too long", "description": "x" * 3_000}

    response = token_client(focal_a).post(LIST, data, format="json")

    assert_json_error(response, 413, "too large")
    assert not Pledge.objects.exists()


def test_a_body_under_the_upload_limit_is_accepted(focal_a, actor_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    data = {"lead": actor_a.pk, "title": "Short enough", "description": "x" * 1_000}

    assert token_client(focal_a).post(LIST, data, format="json").status_code == 201


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<pledge><title>x</title></pledge>", "application/xml"),
        ("title=x", "application/x-www-form-urlencoded"),
        ("title: x", "text/yaml"),
    ],
)
def test_a_body_that_is_not_json_is_a_415(focal_a, body, content_type):
    response = token_client(focal_a).post(LIST, body, content_type=content_type)

    assert_json_error(response, 415, "Unsupported media type")


@pytest.fixture
def low_throttles(settings):
    set_throttle_rates(settings, anon="3/min", user="5/min")


def test_anonymous_readers_are_throttled_with_a_429(low_throttles):
    client = APIClient()
    statuses = [client.get(LIST).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get(LIST)
    assert_json_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_each_user_has_their_own_throttle(low_throttles, focal_a, focal_b):
    a, b = token_client(focal_a), token_client(focal_b)

    assert [a.get(LIST).status_code for _ in range(6)] == [200] * 5 + [429]
    assert b.get(LIST).status_code == 200


def test_posting_too_many_comments_is_a_429_and_the_comment_is_not_kept(focal_a, monkeypatch):
    monkeypatch.setattr(comment_services, "COMMENT_RATE", (2, 600))
    client = token_client(focal_a)
    data = {"target": "objective", "target_id": Objective.objects.get(number=3).pk, "body": "Hi"}

    statuses = [client.post("/api/v1/comments/", data, format="json").status_code for _ in "abc"]

    assert statuses == [201, 201, 429]
    assert Comment.objects.count() == 2
