"""Sessions: rotated at sign-in, ended after an idle period and an absolute lifetime, and ended
everywhere else when credentials change or an administrator disables the account."""

import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import give_mfa, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "a brand new horse 2031"
# Every signed-in person may see this page; the anonymous are sent to sign in.
PRIVATE = "actors:security"


def signed_in(client):
    return "_auth_user_id" in client.session


def session_exists(key):
    return Session.objects.filter(session_key=key).exists()


def signed_in_client(user):
    """A browser of its own, signed in through the sign-in form (allauth records the session)."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse(PRIVATE)).status_code == 200
    return client


def test_session_key_changes_at_sign_in(client, verified_user):
    before = client.session.session_key  # an anonymous session, as a visitor has
    assert session_exists(before)

    response = client.post(
        reverse("account_login"), {"login": verified_user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    after = client.session.session_key
    assert signed_in(client)
    assert after != before
    assert not session_exists(before)


def test_idle_session_is_signed_out(client, verified_user, time_machine, caplog):
    time_machine.move_to(timezone.now())
    client.force_login(verified_user)
    client.get(reverse(PRIVATE))
    caplog.set_level(logging.INFO, logger="portal.security")
    idle = timedelta(seconds=django_settings.SESSION_IDLE_TIMEOUT)

    time_machine.shift(idle - timedelta(minutes=5))
    assert client.get(reverse(PRIVATE)).status_code == 200  # still within the idle period

    time_machine.shift(idle + timedelta(minutes=1))
    response = client.get(reverse(PRIVATE), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "Your session has ended. Please sign in again." in response.content.decode()
    assert not signed_in(client)
    assert any("session ended (idle timeout)" in r.getMessage() for r in caplog.records)


def test_active_session_ends_at_its_absolute_lifetime(client, verified_user, time_machine, caplog):
    time_machine.move_to(timezone.now())
    client.force_login(verified_user)
    client.get(reverse(PRIVATE))
    caplog.set_level(logging.INFO, logger="portal.security")
    lifetime = timedelta(seconds=django_settings.SESSION_ABSOLUTE_LIFETIME)
    step = timedelta(seconds=django_settings.SESSION_IDLE_TIMEOUT) - timedelta(minutes=10)
    elapsed = timedelta(0)
    while elapsed + step < lifetime:  # a request every step keeps the session from idling
        time_machine.shift(step)
        elapsed += step
        assert client.get(reverse(PRIVATE)).status_code == 200, elapsed

    time_machine.shift(lifetime - elapsed + timedelta(minutes=1))
    response = client.get(reverse(PRIVATE))

    assert response.status_code == 302
    assert not signed_in(client)
    assert any(
        "session ended (absolute lifetime reached)" in r.getMessage() for r in caplog.records
    )


def test_password_change_ends_the_other_sessions_but_not_this_one(verified_user):
    here, elsewhere = signed_in_client(verified_user), signed_in_client(verified_user)
    elsewhere_key = elsewhere.session.session_key

    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not session_exists(elsewhere_key)
    assert elsewhere.get(reverse(PRIVATE)).status_code == 302
    assert not signed_in(elsewhere)
    assert here.get(reverse(PRIVATE)).status_code == 200


def test_adding_an_authenticator_ends_the_other_sessions(
    verified_user, django_capture_on_commit_callbacks
):
    here, elsewhere = signed_in_client(verified_user), signed_in_client(verified_user)
    elsewhere_key = elsewhere.session.session_key
    # Setting up MFA asks for the password again first.
    here.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert here.get(reverse("mfa_activate_totp")).status_code == 200
    secret = here.session[SECRET_SESSION_KEY]

    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=verified_user, type="totp").exists()
    assert not session_exists(elsewhere_key)
    assert elsewhere.get(reverse(PRIVATE)).status_code == 302
    assert here.get(reverse(PRIVATE)).status_code == 200


def test_password_reset_ends_every_session_of_the_account(client, verified_user):
    elsewhere = signed_in_client(verified_user)
    elsewhere_key = elsewhere.session.session_key
    client.post(reverse("account_reset_password"), {"email": verified_user.email})
    link = urlsplit(re.search(r"https?://\S+", mail.outbox[-1].body).group()).path
    key_url = client.get(link)["Location"]

    response = client.post(key_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert not session_exists(elsewhere_key)
    assert elsewhere.get(reverse(PRIVATE)).status_code == 302


def test_removing_the_authenticator_ends_the_other_sessions(client, verified_user):
    secret = give_mfa(verified_user)
    elsewhere = Client()
    elsewhere.post(reverse("account_login"), {"login": verified_user.email, "password": PASSWORD})
    elsewhere.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert elsewhere.get(reverse(PRIVATE)).status_code == 200
    elsewhere_key = elsewhere.session.session_key
    client.force_login(verified_user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=verified_user, type="totp").exists()
    assert not session_exists(elsewhere_key)
    assert client.get(reverse(PRIVATE)).status_code == 200


def admin_change_data(user, **changes):
    """The user's change form in the admin as submitted unchanged, with `changes` applied."""
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_unticking_active_ends_the_users_sessions(client, administrator, verified_user):
    victim = signed_in_client(verified_user)
    victim_key = victim.session.session_key
    client.force_login(administrator)
    url = reverse("admin:actors_user_change", args=[verified_user.pk])

    response = client.post(url, admin_change_data(verified_user, is_active=None))

    assert response.status_code == 302, response.context["adminform"].form.errors
    verified_user.refresh_from_db()
    assert not verified_user.is_active
    assert not session_exists(victim_key)
    assert victim.get(reverse(PRIVATE)).status_code == 302


def test_admin_saving_an_active_user_keeps_their_sessions(client, administrator, verified_user):
    user_client = signed_in_client(verified_user)
    client.force_login(administrator)
    url = reverse("admin:actors_user_change", args=[verified_user.pk])

    response = client.post(url, admin_change_data(verified_user, display_name="Vera Renamed"))

    assert response.status_code == 302
    assert session_exists(user_client.session.session_key)
    assert user_client.get(reverse(PRIVATE)).status_code == 200


def test_admin_deactivate_action_ends_the_users_sessions(client, administrator, verified_user):
    victim = signed_in_client(verified_user)
    victim_key = victim.session.session_key
    client.force_login(administrator)

    response = client.post(
        reverse("admin:actors_user_changelist"),
        {"action": "deactivate", "_selected_action": [verified_user.pk]},
    )

    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert not verified_user.is_active
    assert not session_exists(victim_key)
    assert victim.get(reverse(PRIVATE)).status_code == 302
