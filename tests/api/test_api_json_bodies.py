"""Bodies the JSON parser cannot take are a 400 in JSON, never a server error: nesting deep
enough to exhaust the decoder, nesting deeper than any request needs, an unknown charset."""

import io

import pytest
from django.urls import reverse
from rest_framework.exceptions import ParseError

from portal.parsers import MAX_JSON_DEPTH, JSONParser, json_depth
from reviews.models import Pledge
from tests.api.conftest import assert_json_error, token_client
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:pledge-list")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        nested(100_000),
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        nested(MAX_JSON_DEPTH + 1),
        '{"title": ' + nested(MAX_JSON_DEPTH) + "}",
    ],
    ids=["open-brackets", "deep-arrays", "deep-objects", "one-too-deep", "deep-field"],
)
def test_a_deeply_nested_body_is_a_400_and_creates_nothing(focal_a, body):
    response = token_client(focal_a).post(LIST, body, content_type="application/json")

    body = assert_json_error(response, 400)
    assert "JSON parse error" in body["detail"]
    assert not Pledge.objects.exists()


def test_a_deeply_nested_body_to_an_action_is_a_400(focal_a, actor_a):
    pledge = PledgeFactory(lead=actor_a, published=True)
    url = reverse("api:pledge-withdraw", args=[pledge.pk])

    response = token_client(focal_a).post(url, nested(100_000), content_type="application/json")

    assert_json_error(response, 400)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED


def test_an_unknown_charset_is_a_400(focal_a):
    response = token_client(focal_a).post(
        LIST, b'{"title": "x"}', content_type="application/json; charset=no-such-codec"
    )

    assert_json_error(response, 400)


def test_the_parser_refuses_an_encoding_python_does_not_know():
    with pytest.raises(ParseError, match="charset"):
        JSONParser().parse(io.BytesIO(b"{}"), "application/json", {"encoding": "no-such-codec"})


def test_the_parser_takes_a_body_as_deep_as_the_limit():
    data = JSONParser().parse(io.BytesIO(nested(MAX_JSON_DEPTH).encode()), "application/json")

    assert json_depth(data) == MAX_JSON_DEPTH


@pytest.mark.parametrize(
    ("value", "depth"),
    [(1, 0), ("[", 0), ([], 1), ({}, 1), ({"a": [1, {"b": []}]}, 4), ([[], [[[]]]], 4)],
)
def test_json_depth_counts_nested_containers(value, depth):
    assert json_depth(value) == depth
