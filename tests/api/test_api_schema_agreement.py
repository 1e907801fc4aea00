"""What the OpenAPI schema says a parameter or a body takes is what the API accepts: a value
outside it is a 400 naming the parameter, and what the schema calls optional may be left out."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Comment, Pledge
from tests.api.conftest import assert_json_error, token_client
from tests.factories import CommentFactory, PledgeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:pledge-list")


@pytest.fixture
def schema(client):
    return json.loads(client.get(reverse("api:schema"), {"format": "json"}).content)


def parameter(schema, path, name) -> dict:
    (found,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]


@pytest.mark.parametrize("value", ["null", "abc", "0", "-1", "1.5", "١٢", "²", "1e3", "000"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(value):
    body = assert_json_error(APIClient().get(LIST, {"page_size": value}), 400)

    assert list(body) == ["page_size"]


@pytest.mark.parametrize(("asked", "rows"), [("", 20), (" 3 ", 3), ("0005", 5), ("9" * 5000, 25)])
def test_an_empty_page_size_is_the_default_and_a_huge_one_the_cap(actor_a, asked, rows):
    PledgeFactory.create_batch(25, lead=actor_a, published=True)

    response = APIClient().get(LIST, {"page_size": asked})

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(rows, 200)


def test_the_schema_says_the_page_size_is_a_whole_number_from_1(schema):
    assert parameter(schema, "/api/v1/pledges/", "page_size") == {"type": "integer", "minimum": 1}


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/cycles/", "year"),
        ("/api/v1/comments/", "objective"),
        ("/api/v1/progress-updates/", "objective"),
        ("/api/v1/declaration-paragraphs/", "objectives__number"),
    ],
)
@pytest.mark.parametrize("value", ["0.5", "1e3", "abc", "9" * 30])
def test_a_whole_number_filter_refuses_anything_else(schema, path, name, value):
    assert parameter(schema, path, name)["type"] == "integer"

    body = assert_json_error(APIClient().get(path, {name: value}), 400)

    assert list(body) == [name]


def test_a_whole_number_filter_still_filters(actor_a):
    response = APIClient().get("/api/v1/cycles/", {"year": "2022"})

    assert response.status_code == 200
    assert {row["year"] for row in response.json()["results"]} == {2022}


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/cycles/", "kind"),
        ("/api/v1/actors/", "kind"),
        ("/api/v1/pledges/", "kind"),
        ("/api/v1/pledges/", "status"),
        ("/api/v1/progress-updates/", "stage"),
        ("/api/v1/stats/coverage/", "actor_kind"),
    ],
)
def test_an_enum_value_outside_its_choices_is_a_400_naming_it(schema, path, name):
    assert "enum" in parameter(schema, path, name)

    body = assert_json_error(APIClient().get(path, {name: "not-a-choice"}), 400)

    assert list(body) == [name]


def request_body(schema, path) -> dict:
    content = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
    return schema["components"]["schemas"][ref]


@pytest.mark.parametrize("step", ["withdraw", "return", "reject"])
def test_the_schema_requires_the_reason_of_a_step_that_needs_one(schema, step):
    body = request_body(schema, f"/api/v1/pledges/{{id}}/{step}/")

    assert body["required"] == ["reason"]
    assert body["properties"]["reason"]["minLength"] == 1


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_withdrawing_without_a_reason_is_a_400_naming_it(focal_a, actor_a, reason):
    pledge = PledgeFactory(lead=actor_a, published=True)
    data = {} if reason is None else {"reason": reason}

    response = token_client(focal_a).post(
        reverse("api:pledge-withdraw", args=[pledge.pk]), data, format="json"
    )

    assert list(assert_json_error(response, 400)) == ["reason"]
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED


@pytest.mark.parametrize("step", ["return", "reject"])
def test_a_moderator_returning_without_a_reason_is_told_to_give_one(moderator, actor_a, step):
    pledge = PledgeFactory(lead=actor_a, submitted=True)

    response = token_client(moderator).post(
        reverse(f"api:pledge-{step}", args=[pledge.pk]), {}, format="json"
    )

    assert list(assert_json_error(response, 400)) == ["reason"]
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_hiding_a_comment_needs_a_reason_in_schema_and_behaviour(schema, moderator):
    comment = CommentFactory(pledge=PledgeFactory(published=True))
    assert request_body(schema, "/api/v1/comments/{id}/hide/")["required"] == ["reason"]

    response = token_client(moderator).post(
        reverse("api:comment-hide", args=[comment.pk]), {}, format="json"
    )

    assert list(assert_json_error(response, 400)) == ["reason"]
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_restoring_a_comment_may_leave_the_reason_out(schema, moderator):
    comment = CommentFactory(pledge=PledgeFactory(published=True), is_hidden=True)
    assert "required" not in request_body(schema, "/api/v1/comments/{id}/restore/")

    response = token_client(moderator).post(
        reverse("api:comment-restore", args=[comment.pk]), {}, format="json"
    )

    assert response.status_code == 200, response.content
    assert not Comment.objects.get(pk=comment.pk).is_hidden


@pytest.mark.parametrize("path", ["/api/v1/actors/", "/api/v1/pledges/"])
def test_words_longer_than_any_search_are_a_400_not_a_database_error(path):
    body = assert_json_error(APIClient().get(path, {"q": "a" * 100_000}), 400)

    assert list(body) == ["q"]


def test_the_html_list_shows_the_error_of_a_too_long_search(client):
    response = client.get(reverse("actors:actor-list"), {"q": "a" * 100_000})

    assert response.status_code in (200, 400)
    assert b"at most 500 characters" in response.content
