"""Mail is never lost and not sent twice: SMTP timeouts, stuck tasks requeued, idempotent sends,
the worker killed mid-send, and the scheduler that runs the recovery and the digests."""

import datetime as dt
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.mail import mailer_from_url

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LEASE = dt.timedelta(seconds=300)
SMTP_URL = "smtp://mail.example.org:25"


# --- SMTP timeouts ------------------------------------------------------------------------------


def test_an_smtp_mailer_gets_the_default_timeout_or_the_one_in_its_url():
    default = mailer_from_url("smtp+tls://user:secret@mail.example.org:587", default_timeout=10)
    from_url = mailer_from_url("smtp://mail.example.org:25?timeout=2.5", default_timeout=10)

    assert default["OPTIONS"] == {
        "host": "mail.example.org",
        "port": 587,
        "username": "user",
        "password": "secret",
        "use_tls": True,
        "timeout": 10.0,
    }
    assert from_url["OPTIONS"]["timeout"] == 2.5
    assert mailer_from_url("consolemail://", default_timeout=10)["OPTIONS"] == {}


@pytest.mark.parametrize("timeout", ["0", "-1", "soon", "inf"])
def test_a_timeout_that_is_not_a_positive_number_of_seconds_is_refused(timeout):
    with pytest.raises(ImproperlyConfigured, match="timeout"):
        mailer_from_url(f"smtp://mail.example.org?timeout={timeout}", default_timeout=10)


@pytest.mark.parametrize(
    ("environment", "timeout"),
    [({}, 10.0), ({"EMAIL_TIMEOUT": "3"}, 3.0), ({"EMAIL_URL": f"{SMTP_URL}?timeout=0.5"}, 0.5)],
)
def test_the_settings_give_the_smtp_mailer_a_timeout_from_the_environment(
    monkeypatch, environment, timeout
):
    monkeypatch.delenv("EMAIL_TIMEOUT", raising=False)
    for name, value in {"ENV_FILE": "/nonexistent", "EMAIL_URL": SMTP_URL, **environment}.items():
        monkeypatch.setenv(name, value)

    settings = runpy.run_path(str(ROOT / "portal" / "settings.py"))

    assert settings["MAILERS"]["default"]["OPTIONS"]["timeout"] == timeout
