"""Defences around accounts: failed logins, second factors, security headers and the
production settings."""

import datetime as dt
import json
import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import generate_totp_secret, validate_totp_code
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actors.models import User
from tests.factories import VerifiedUserFactory, give_mfa, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "a brand new horse 2031"
FAILURE = re.compile(
    r"login failed: email=(?P<email>\S+) ip=(?P<ip>\S+) "
    r"failures=(?P<n>\d+) delay=(?P<delay>[\d.]+)s"
)


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in(client):
    return "_auth_user_id" in client.session


def security_messages(caplog, start):
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "portal.security" and start in r.getMessage()
    ]


def rate_amount(rates, per):
    """The amount of the rate given per `ip` or per `key` in an allauth rate string."""
    return next(int(r.split("/")[0]) for r in rates.split(",") if r.endswith(f"/{per}"))


def signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def reset_password(client, email, password):
    client.post(reverse("account_reset_password"), {"email": email})
    link = urlsplit(re.search(r"https?://\S+", mail.outbox[-1].body).group()).path
    key_url = client.get(link)["Location"]
    return client.post(key_url, {"password1": password, "password2": password})


# Brute force


def test_failed_logins_are_logged_with_a_delay_that_grows_after_three(client, caplog):
    user = VerifiedUserFactory(email="target@example.org")
    limit = rate_amount(django_settings.ACCOUNT_RATE_LIMITS["login_failed"], "key")
    caplog.set_level(logging.INFO, logger="portal.security")

    for _ in range(limit):
        assert sign_in(client, "Target@example.org", "wrong guess").status_code == 200

    failures = [FAILURE.search(m).groupdict() for m in security_messages(caplog, "login failed")]
    assert [f["email"] for f in failures] == [user.email] * limit
    assert {f["ip"] for f in failures} == {"127.0.0.1"}
    assert [int(f["n"]) for f in failures] == list(range(1, limit + 1))
    delays = [float(f["delay"]) for f in failures]
    assert delays[:3] == [0, 0, 0]
    assert 0 < delays[3] < delays[4]


def test_account_is_refused_after_the_failure_limit_until_the_cool_down(
    client, caplog, time_machine
):
    time_machine.move_to(timezone.now())
    user = VerifiedUserFactory(email="target@example.org")
    limit = rate_amount(django_settings.ACCOUNT_RATE_LIMITS["login_failed"], "key")
    caplog.set_level(logging.INFO, logger="portal.security")
    for _ in range(limit):
        sign_in(client, user.email, "wrong guess")

    refused = sign_in(client, user.email)  # the right password

    assert refused.status_code == 200
    assert "Too many failed login attempts" in refused.content.decode()
    assert not signed_in(client)
    assert security_messages(caplog, "login refused") == [
        f"login refused (too many failures): email={user.email} ip=127.0.0.1"
    ]

    time_machine.shift(timedelta(minutes=16))
    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert signed_in(client)


def test_failures_from_one_ip_across_many_accounts_hit_the_ip_limit(client, caplog):
    limit = rate_amount(django_settings.ACCOUNT_RATE_LIMITS["login_failed"], "ip")
    caplog.set_level(logging.INFO, logger="portal.security")
    for n in range(limit):
        sign_in(client, f"guess{n}@example.org", "wrong guess")
    user = VerifiedUserFactory(email="untouched@example.org")

    response = sign_in(client, user.email)

    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)
    assert len(security_messages(caplog, "login failed")) == limit
    assert len(security_messages(caplog, "login refused")) == 1
    # Another address is not affected.
    assert sign_in(Client(REMOTE_ADDR="192.0.2.7"), user.email).status_code == 302


def test_password_reset_lifts_the_failed_login_limit_of_the_account(client):
    user = VerifiedUserFactory(email="target@example.org")
    limit = rate_amount(django_settings.ACCOUNT_RATE_LIMITS["login_failed"], "key")
    for _ in range(limit):
        sign_in(Client(), user.email, "wrong guess")
    assert "Too many failed login attempts" in sign_in(Client(), user.email).content.decode()

    reset = reset_password(client, user.email, NEW_PASSWORD)

    assert reset["Location"] == reverse("account_reset_password_from_key_done")
    fresh = Client()
    assert sign_in(fresh, user.email, NEW_PASSWORD).status_code == 302
    assert signed_in(fresh)


# Rate limits answer with the portal's own 429 page (templates/429.html)


def test_too_many_signups_from_one_address_get_the_friendly_429_page(client, settings):
    amount = rate_amount(settings.ACCOUNT_RATE_LIMITS["signup"], "ip")
    for n in range(amount):
        assert signup(Client(), f"person{n}@example.org").status_code == 302

    response = signup(client, "one-more@example.org")

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "Please wait a few minutes and try again" in response.content.decode()
    assert not User.objects.filter(email="one-more@example.org").exists()


def test_too_many_resets_for_one_address_get_the_friendly_429_page(client, verified_user, settings):
    amount = rate_amount(settings.ACCOUNT_RATE_LIMITS["reset_password"], "key")
    for _ in range(amount):
        client.post(reverse("account_reset_password"), {"email": verified_user.email})

    response = client.post(reverse("account_reset_password"), {"email": verified_user.email})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert reverse("account_reset_password") in response.content.decode()
    assert len(mail.outbox) == amount


# Second factor


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("moderator_without_mfa", lambda actor: reverse("reviews:moderation")),
        ("focal_a_without_mfa", lambda actor: reverse("actors:join-requests", args=[actor.slug])),
    ],
    ids=["moderation", "join-requests"],
)
def test_powers_need_mfa_first_then_open(client, as_persona, actor_a, persona, url):
    user = as_persona(persona)

    without = client.get(url(actor_a))

    assert without.status_code == 302
    assert without["Location"] == reverse("mfa_activate_totp")
    assert any("two-factor authentication" in text for text in message_texts(without))

    give_mfa(user)
    assert client.get(url(actor_a)).status_code == 200


def test_user_with_totp_signs_in_only_with_the_right_code(client):
    user = VerifiedUserFactory(email="careful@example.org")
    secret = give_mfa(user)

    after_password = sign_in(client, user.email)

    assert after_password["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    code = totp_code(secret)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 302
    assert response["Location"] == reverse("actors:my-organisations")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_code_the_tests_type_stays_valid_into_the_next_window(time_machine):
    # The browser journeys type a code, then the server checks it a moment later: a code taken
    # one second before the window ends must still pass after the clock crosses into the next.
    secret = generate_totp_secret()
    period = mfa_settings.TOTP_PERIOD
    time_machine.move_to(dt.datetime.fromtimestamp(period * 60_000_000 - 1, tz=dt.UTC), tick=False)
    code = totp_code(secret)
    time_machine.shift(2)

    assert validate_totp_code(secret, code)


# Content security policy and other headers

PUBLIC_PAGES = [
    "home",
    "reviews:objective-list",
    "actors:actor-list",
    "account_login",
    "account_signup",
]


def directives(response):
    """The content security policy as {directive: [sources]}."""
    parts = (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    return {part[0]: part[1:] for part in parts if part}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_pages_carry_a_strict_content_security_policy(client, name):
    response = client.get(reverse(name))

    policy = directives(response)
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    # Scripts and styles only from the portal itself, or with this response's nonce.
    for directive in ("script-src", "style-src"):
        assert all(src == "'self'" or src.startswith("'nonce-") for src in policy[directive])
    assert any(src.startswith("'nonce-") for src in policy["script-src"])


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_pages_carry_the_security_headers(client, name):
    response = client.get(reverse(name))

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_nonce_differs_from_one_request_to_the_next(client):
    first, second = client.get(reverse("home")), client.get(reverse("home"))

    nonces = [
        [src for src in directives(response)["script-src"] if src.startswith("'nonce-")]
        for response in (first, second)
    ]
    assert len(nonces[0]) == len(nonces[1]) == 1
    assert nonces[0] != nonces[1]
    # The page's own script carries the nonce of its response.
    nonce = nonces[0][0].removeprefix("'nonce-").removesuffix("'")
    assert f'nonce="{nonce}"' in first.content.decode()


# Production settings

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "q7Vd2-LmX9pR4tZk8WcN1bHs6YfJ3gUe0AoTi5ErKxMnBvCz_Pw4Ql8Dj2Sa7Hu",
    "ALLOWED_HOSTS": "portal.example.org",
    "SITE_URL": "https://portal.example.org",
    "ENV_FILE": "/nonexistent",
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "portal.settings",
}


def run_in_production(*args):
    return subprocess.run(
        [sys.executable, *args],
        cwd=django_settings.BASE_DIR,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_lock_cookies_and_transport_down():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({name: getattr(s, name) for name in ["
        "'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', "
        "'SECURE_SSL_REDIRECT', 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', 'DEBUG']}))"
    )
    result = run_in_production("-c", script)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"]


def test_the_admin_signs_in_through_the_portal_login_with_its_protections(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
