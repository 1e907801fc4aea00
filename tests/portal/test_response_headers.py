"""Request values that reach a response header cannot break it: a line break or a character
beyond latin-1 in `next=`, in a path redirected to its slash, or in an export's query string
leaves every header one plain line (and injects none)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

INJECTION = "\r\nX-Injected: 1"


def assert_plain_headers(response):
    for header, value in response.items():
        assert "\n" not in value and "\r" not in value, (header, value)
        value.encode("latin-1")
    assert "X-Injected" not in response.headers


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/pledges/" + INJECTION, "/pledges/%0D%0AX-Injected:%201"),
        ("/pledges/?q=ℌ", "/pledges/?q=%E2%84%8C"),
        ("/pledges/\x00", "/pledges/%00"),
        (INJECTION, reverse("actors:my-organisations")),
        ("https://elsewhere.example/", reverse("actors:my-organisations")),
    ],
)
def test_acting_for_redirects_to_next_as_a_safe_local_address(client, focal_a, next_url, location):
    client.force_login(focal_a)

    response = client.post(reverse("actors:acting-for"), {"actor": "", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == location
    assert_plain_headers(response)


@pytest.mark.parametrize("tail", ["%E2%84%8C", "%0D%0AX-Injected:%201", "%00"])
def test_an_api_address_without_its_slash_redirects_with_a_safe_location(client, tail):
    response = client.get(f"/api/v1/pledges{tail}")

    assert response.status_code in (301, 404)
    assert_plain_headers(response)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_an_export_file_name_takes_nothing_from_the_query(client, fmt):
    response = client.get(
        reverse("reviews:export", args=["pledges", fmt]),
        {"filename": INJECTION, "format": "ℌ", "q": INJECTION},
    )

    assert response.status_code in (200, 400)
    assert_plain_headers(response)
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith('attachment; filename="gcm-pledges-')


def test_the_schema_download_name_takes_nothing_from_the_query(client):
    response = client.get(reverse("api:schema"), {"format": "json", "lang": INJECTION})

    assert response.status_code == 200
    assert_plain_headers(response)
