"""API tokens end with the credentials they were made under, are made only after the password
is given again, and record when and from where they were last used."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from actors import services
from actors.models import ApiToken

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "a brand new horse 2031"
PAGE = reverse("actors:api-tokens")
LIST = reverse("api:pledge-list")


def api(key, ip="203.0.113.7") -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=ip)


def works(key) -> bool:
    status = api(key).get(LIST).status_code
    assert status in {200, 401}
    return status == 200


def test_a_password_change_revokes_every_token(client, verified_user):
    _, first = ApiToken.objects.create_for(user=verified_user, name="Reporting")
    _, second = ApiToken.objects.create_for(user=verified_user, name="Statistics")
    assert works(first) and works(second)
    client.post(reverse("account_login"), {"login": verified_user.email, "password": PASSWORD})

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not works(first)
    assert not works(second)
    assert not ApiToken.objects.filter(user=verified_user, revoked_at__isnull=True).exists()
    assert client.get(reverse("actors:security")).status_code == 200, "this session stays"


def test_a_password_reset_revokes_every_token(client, verified_user):
    _, key = ApiToken.objects.create_for(user=verified_user, name="Reporting")
    client.post(reverse("account_reset_password"), {"email": verified_user.email})
    link = urlsplit(re.search(r"https?://\S+", mail.outbox[-1].body).group()).path
    key_url = client.get(link)["Location"]

    response = client.post(key_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert not works(key)


def test_disabling_an_account_revokes_its_tokens(verified_user, administrator):
    _, key = ApiToken.objects.create_for(user=verified_user, name="Reporting")

    services.user_deactivate(user=verified_user, by=administrator)
    # Even switched back on, the tokens stay revoked: a new one has to be made.
    verified_user.is_active = True
    verified_user.save(update_fields=["is_active"])

    assert not works(key)
    assert ApiToken.objects.get(user=verified_user).revoked_at is not None


def test_the_admin_deactivate_action_revokes_the_tokens(client, administrator, verified_user):
    _, key = ApiToken.objects.create_for(user=verified_user, name="Reporting")
    client.force_login(administrator)

    response = client.post(
        reverse("admin:actors_user_changelist"),
        {"action": "deactivate", "_selected_action": [verified_user.pk]},
    )

    assert response.status_code == 302
    assert ApiToken.objects.get(user=verified_user).revoked_at is not None
    assert not works(key)


def test_deleting_an_account_revokes_its_tokens(verified_user):
    _, key = ApiToken.objects.create_for(user=verified_user, name="Reporting")

    services.user_delete(user=verified_user)

    assert not works(key)
    assert ApiToken.objects.get(user=verified_user).revoked_at is not None


def test_another_persons_password_change_leaves_my_tokens(client, verified_user, focal_b):
    _, mine = ApiToken.objects.create_for(user=focal_b, name="B's system")
    client.post(reverse("account_login"), {"login": verified_user.email, "password": PASSWORD})

    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert works(mine)


def test_creating_a_token_without_a_recent_reauthentication_asks_for_the_password(
    client, verified_user
):
    client.force_login(verified_user)

    response = client.post(PAGE, {"name": "Reporting"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.exists()


def test_after_reauthenticating_the_token_is_made(client, verified_user):
    client.force_login(verified_user)
    client.post(PAGE, {"name": "Reporting"})

    response = client.post(
        reverse("account_reauthenticate") + f"?next={PAGE}", {"password": PASSWORD}, follow=True
    )

    assert response.status_code == 200
    token = ApiToken.objects.get(user=verified_user)
    assert token.name == "Reporting"
    key = re.search(r'<code class="token-key">([^<]+)</code>', response.content.decode())
    assert key, "the kept request is replayed and the new key shown"
    assert works(key.group(1))


def test_a_wrong_password_makes_no_token(client, verified_user):
    client.force_login(verified_user)
    client.post(PAGE, {"name": "Reporting"})

    client.post(reverse("account_reauthenticate") + f"?next={PAGE}", {"password": "wrong"})

    assert not ApiToken.objects.exists()


def test_revoking_needs_no_reauthentication(client, verified_user):
    token, key = ApiToken.objects.create_for(user=verified_user, name="Reporting")
    client.force_login(verified_user)

    response = client.post(PAGE, {"revoke": token.pk})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert not works(key)


@pytest.mark.parametrize("value", ["abc", "", "-3", "0", "1.5", str(2**63), "9" * 40])
def test_a_revoke_id_that_is_not_a_token_id_revokes_nothing(client, verified_user, value):
    _, key = ApiToken.objects.create_for(user=verified_user, name="Reporting")
    client.force_login(verified_user)

    response = client.post(PAGE, {"revoke": value}, follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    assert "nothing was revoked" in response.content.decode()
    assert works(key)


def test_use_is_recorded_at_most_once_a_minute(verified_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    token, key = ApiToken.objects.create_for(user=verified_user, name="Reporting")

    with CaptureQueriesContext(connection) as first:
        api(key, ip="203.0.113.7").get(LIST)
    time_machine.shift(dt.timedelta(seconds=30))
    with CaptureQueriesContext(connection) as second:
        api(key, ip="198.51.100.9").get(LIST)

    def updates(queries):
        return [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]

    assert len(updates(first)) == 1
    assert updates(second) == [], "a use within the minute writes nothing"
    token.refresh_from_db()
    assert token.last_used_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert token.last_used_ip == "203.0.113.7"

    time_machine.shift(dt.timedelta(seconds=31))
    api(key, ip="198.51.100.9").get(LIST)

    token.refresh_from_db()
    assert token.last_used_at == dt.datetime(2026, 3, 2, 9, 1, 1, tzinfo=dt.UTC)
    assert token.last_used_ip == "198.51.100.9"


def test_a_stale_copy_does_not_write_over_a_recent_use(verified_user, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    token, _key = ApiToken.objects.create_for(user=verified_user, name="Reporting")
    stale = ApiToken.objects.get(pk=token.pk)  # read before the other request used it
    assert ApiToken.objects.record_use(token, ip="203.0.113.7")

    assert not ApiToken.objects.record_use(stale, ip="198.51.100.9")

    token.refresh_from_db()
    assert token.last_used_ip == "203.0.113.7"


def test_the_token_page_shows_when_and_where_a_token_was_last_used(
    client, verified_user, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC), tick=False)
    _, key = ApiToken.objects.create_for(user=verified_user, name="Reporting")
    ApiToken.objects.create_for(user=verified_user, name="Unused")
    api(key, ip="203.0.113.7").get(LIST)
    client.force_login(verified_user)

    page = client.get(PAGE).content.decode()

    assert "2 Mar 2026" in page
    assert "<code>203.0.113.7</code>" in page
    assert "never" in page
