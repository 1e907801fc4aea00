"""Mail is never lost and not sent twice: SMTP timeouts, retries with a bound, idempotent
sends, and a worker killed between the server's OK and the mark."""

import datetime as dt
import logging
import runpy
import time

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actors import outbox
from actors.models import OutgoingEmail
from actors.tasks import send_email
from portal.mail import mailer_from_url
from tests.actors.mail_support import (
    DATABASE_QUEUE,
    ROOT,
    SMTP_URL,
    WorkerKilled,
    run_claimed,
)

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


@pytest.mark.django_db
def test_a_server_that_never_answers_fails_the_task_within_the_timeout(silent_smtp_port):
    mailer = mailer_from_url(f"smtp://127.0.0.1:{silent_smtp_port}?timeout=0.3", default_timeout=10)
    with override_settings(TASKS=DATABASE_QUEUE, MAILERS={"default": mailer}):
        email = outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
        task = DBTaskResult.objects.get()

        started = time.monotonic()
        run_claimed(task)
        elapsed = time.monotonic() - started

    assert elapsed < 3
    first = DBTaskResult.objects.order_by("enqueued_at").first()
    assert first.status == "FAILED"
    assert first.exception_class_path == "smtplib.SMTPServerDisconnected"
    email.refresh_from_db()
    assert (email.status, email.attempts, email.sent_at) == ("queued", 1, None)
    assert email.last_error.endswith("timed out")
    # Tried again later, not lost.
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["email_id"] == str(email.pk)
    # Under the request id the failed attempt ran with (portal.requestid).
    assert len(retry.args_kwargs["kwargs"]["request_id"]) == 32
    assert retry.run_after > timezone.now()


# --- Failed sends are tried again, a bounded number of times -----------------------------------


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE, EMAIL_MAX_ATTEMPTS=2, EMAIL_RETRY_DELAY=60)
def test_a_refused_send_is_retried_later_then_given_up_and_logged(refused_smtp_port, caplog):
    mailer = mailer_from_url(f"smtp://127.0.0.1:{refused_smtp_port}?timeout=1", default_timeout=1)
    with override_settings(MAILERS={"default": mailer}):
        email = outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")

        before = timezone.now()
        with pytest.raises(ConnectionRefusedError):
            send_email.call(email_id=str(email.pk))
        retry = DBTaskResult.objects.order_by("-enqueued_at").first()
        assert DBTaskResult.objects.count() == 2
        assert before + dt.timedelta(seconds=59) < retry.run_after < before + dt.timedelta(90)

        with caplog.at_level(logging.ERROR, logger="portal.mail"), pytest.raises(OSError):
            send_email.call(email_id=str(email.pk))

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 2)
    assert DBTaskResult.objects.count() == 2  # no third try
    assert "given up after 2 attempts" in caplog.text
    # A task that still runs for it later sends nothing.
    assert send_email.call(email_id=str(email.pk)) == "given up"
    assert mail.outbox == []


def test_the_retry_delay_grows_fourfold():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 240, 960]


# --- Idempotent sending -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_retried_send_of_a_sent_mail_sends_nothing():
    with override_settings(TASKS=DATABASE_QUEUE):
        email = outbox.email_queue(to="ana@example.org", subject="Hello", body="Reset link")

    assert send_email.call(email_id=str(email.pk)) == "sent"
    assert send_email.call(email_id=str(email.pk)) == "already sent"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    email.refresh_from_db()
    assert (email.status, email.attempts, email.body) == ("sent", 1, "")
    assert email.sent_at is not None


@pytest.mark.django_db
def test_each_mail_has_a_message_id_of_its_own_fixed_when_queued():
    first = outbox.email_queue(to="ana@example.org", subject="Hello", body="One")
    second = outbox.email_queue(to="ana@example.org", subject="Hello", body="One")

    assert first.message_id == f"<{first.pk.hex}@localhost>"
    assert first.message_id != second.message_id
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        first.message_id,
        second.message_id,
    ]


@pytest.mark.django_db
def test_a_worker_killed_between_the_servers_ok_and_the_mark_resends_with_the_same_message_id(
    monkeypatch,
):
    """The one window left (see actors.outbox): the copy carries the same Message-ID."""
    with override_settings(TASKS=DATABASE_QUEUE):
        email = outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")

    class KilledAfterSending(outbox.EmailMessage):
        def send(self, *args, **kwargs):
            super().send(*args, **kwargs)
            raise WorkerKilled

    monkeypatch.setattr(outbox, "EmailMessage", KilledAfterSending)
    with pytest.raises(WorkerKilled):
        send_email.call(email_id=str(email.pk))
    monkeypatch.undo()
    assert OutgoingEmail.objects.get().status == "queued"

    send_email.call(email_id=str(email.pk))

    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id] * 2
    assert OutgoingEmail.objects.get().status == "sent"
