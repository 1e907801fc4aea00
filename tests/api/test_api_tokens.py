"""API tokens: made on the token page, shown once, stored only as a hash, revocable."""

import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import ApiToken
from reviews.models import Pledge
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("actors:api-tokens")
LIST = reverse("api:pledge-list")
PASSWORD = "correct horse battery staple"  # the factories' password


def create_on_the_page(client, name="Ministry IT system") -> str:
    """Make a token as a person does: the password given again first, then the form."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(PAGE, {"name": name})
    assert response.status_code == 200
    match = re.search(r'<code class="token-key">([^<]+)</code>', response.content.decode())
    assert match, "the new key is shown"
    return match.group(1)


def api(key) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def test_the_token_page_needs_a_signed_in_person(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(client, focal_a):
    client.force_login(focal_a)

    key = create_on_the_page(client)

    token = ApiToken.objects.get(user=focal_a)
    assert token.name == "Ministry IT system"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert len(key) >= 40
    stored = io.StringIO()
    call_command("dumpdata", stdout=stored)
    assert key not in stored.getvalue(), "the key itself is nowhere in the database"
    again = client.get(PAGE).content.decode()
    assert key not in again
    assert f"{key[:8]}…" in again, "the list recognises it by its first characters"


def test_the_key_authenticates_api_calls_with_the_persons_rights(client, focal_a, actor_a):
    draft = PledgeFactory(lead=actor_a, title="Our own draft")
    client.force_login(focal_a)
    key = create_on_the_page(client)

    listed = api(key).get(LIST)
    created = api(key).post(LIST, {"lead": actor_a.pk, "title": "By the IT system"}, format="json")

    assert listed.status_code == 200
    assert draft.pk in {row["id"] for row in listed.json()["results"]}
    assert created.status_code == 201
    assert Pledge.objects.get(title="By the IT system").created_by == focal_a
    assert ApiToken.objects.get(user=focal_a).last_used_at is not None


def test_a_revoked_token_no_longer_authenticates(client, focal_a, actor_a):
    client.force_login(focal_a)
    key = create_on_the_page(client)
    token = ApiToken.objects.get(user=focal_a)
    assert api(key).get(LIST).status_code == 200

    response = client.post(PAGE, {"revoke": token.pk})

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api(key).post(LIST, {"lead": actor_a.pk, "title": "Too late"}, format="json")
    assert refused.status_code == 401
    assert api(key).get(LIST).status_code == 401
    assert not Pledge.objects.filter(title="Too late").exists()
    assert token.prefix not in client.get(PAGE).content.decode()


def test_another_persons_token_cannot_be_revoked(client, focal_a, focal_b):
    theirs, key = ApiToken.objects.create_for(user=focal_b, name="B's system")
    client.force_login(focal_a)

    client.post(PAGE, {"revoke": theirs.pk})

    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert api(key).get(LIST).status_code == 200
    assert "B&#x27;s system" not in client.get(PAGE).content.decode()


def test_the_tokens_of_an_inactive_person_do_not_authenticate(focal_a):
    _, key = ApiToken.objects.create_for(user=focal_a, name="Old system")
    focal_a.is_active = False
    focal_a.save(update_fields=["is_active"])

    response = api(key).get(LIST)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked token."}


def test_each_person_has_several_named_tokens(client, focal_a):
    client.force_login(focal_a)

    first = create_on_the_page(client, "Reporting")
    second = create_on_the_page(client, "Statistics")

    assert first != second
    assert set(ApiToken.objects.filter(user=focal_a).values_list("name", flat=True)) == {
        "Reporting",
        "Statistics",
    }
    assert api(first).get(LIST).status_code == api(second).get(LIST).status_code == 200
