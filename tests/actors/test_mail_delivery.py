"""Mail is never lost and not sent twice: SMTP timeouts, stuck tasks requeued, idempotent sends,
the worker killed mid-send, and the scheduler that runs the recovery and the digests."""

import datetime as dt
import importlib
import logging
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from crontask import scheduler
from crontask.management.commands.crontask import Command as CrontaskCommand
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

from actors import outbox
from actors.models import OutgoingEmail
from actors.tasks import send_email
from portal import tasks as portal_tasks
from portal.mail import mailer_from_url
from portal.taskqueue import tasks_requeue_stuck
from reviews import tasks as reviews_tasks

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LEASE = dt.timedelta(seconds=300)
SMTP_URL = "smtp://mail.example.org:25"


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the worker gets to handle it."""


def run_worker(worker_id: str = "recovering-worker") -> None:
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--worker-id",
        worker_id,
        verbosity=0,
    )


def run_claimed(result: DBTaskResult, worker_id: str = "worker") -> None:
    """A worker's claim and run of one task. (The worker's loop around this closes the
    connection between tasks, which a test's transaction cannot survive: the test with a real
    worker process runs the loop.)"""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    result.claim(worker.worker_id)
    worker.run_task(result)


def claim_and_die(result: DBTaskResult) -> None:
    """What a worker does before it is killed: claim the task, so it shows as running."""
    result.claim("killed-worker")


@pytest.fixture
def silent_smtp_port():
    """A loopback server that takes connections and never says a word: the kernel completes the
    handshake (the socket listens), but nobody ever sends the SMTP greeting."""
    previous = socket.getdefaulttimeout()
    # Should the mailer have no timeout of its own, the test fails after 5 s instead of hanging.
    socket.setdefaulttimeout(5)
    with socket.create_server(("127.0.0.1", 0), backlog=8) as server:
        yield server.getsockname()[1]
    socket.setdefaulttimeout(previous)


@pytest.fixture
def refused_smtp_port():
    """A loopback port nobody listens on: every connection is refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return port


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
    assert retry.args_kwargs["kwargs"] == {"email_id": str(email.pk)}
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


# --- Stuck tasks --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_task_left_running_by_a_killed_worker_is_requeued_and_sent_once():
    with override_settings(TASKS=DATABASE_QUEUE):
        email = outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
        claim_and_die(DBTaskResult.objects.get())

        call_command("requeue_stuck_tasks", verbosity=0)
        assert DBTaskResult.objects.get().status == "RUNNING"  # within its lease: left alone

        with time_machine.travel(timezone.now() + LEASE + dt.timedelta(seconds=1)):
            call_command("requeue_stuck_tasks", verbosity=0)
            assert DBTaskResult.objects.get().status == "READY"
            run_claimed(DBTaskResult.objects.get(), "recovering-worker")

    result = DBTaskResult.objects.get()
    assert (result.status, result.return_value) == ("SUCCESSFUL", "sent")
    assert result.worker_ids == ["killed-worker", "recovering-worker"]
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert OutgoingEmail.objects.get(pk=email.pk).status == "sent"


@pytest.mark.django_db
def test_the_worker_killed_mid_send_loses_no_mail_and_sends_none_twice():
    """The worker took the task, the SMTP server accepted the mail and the mail was marked
    sent, then the worker died before it could mark the task done: after recovery the task
    completes without a second mail."""
    with override_settings(TASKS=DATABASE_QUEUE):
        outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
        task = DBTaskResult.objects.get()
        claim_and_die(task)
        send_email.call(**task.args_kwargs["kwargs"])  # ran to the end; the worker then died
        assert DBTaskResult.objects.get().status == "RUNNING"

        with time_machine.travel(timezone.now() + LEASE + dt.timedelta(seconds=1)):
            call_command("requeue_stuck_tasks", verbosity=0)
            run_claimed(DBTaskResult.objects.get(), "recovering-worker")

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert DBTaskResult.objects.get().return_value == "already sent"
    assert len(mail.outbox) == 1


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the worker process needs a database it can share with the test: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_killed_mid_send_loses_no_mail_and_sends_none_twice(silent_smtp_port):
    """A `manage.py db_worker` process, killed (SIGKILL) while it waits for the SMTP server."""
    with override_settings(TASKS=DATABASE_QUEUE):
        email = outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "ENV_FILE": os.devnull,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{silent_smtp_port}?timeout=60",
    }
    command = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", *command, "--worker-id", "doomed-worker"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while OutgoingEmail.objects.get(pk=email.pk).attempts == 0:  # not yet at the server
            assert worker.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        worker.kill()
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
    task = DBTaskResult.objects.get()
    assert (task.status, task.worker_ids) == ("RUNNING", ["doomed-worker"])

    with override_settings(TASKS=DATABASE_QUEUE):
        tasks_requeue_stuck(lease=LEASE, max_attempts=3, now=timezone.now() + 2 * LEASE)
        run_worker()

    task.refresh_from_db()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "sent")
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_a_task_whose_workers_keep_dying_is_failed_and_logged(caplog, administrator, client):
    outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
    task = DBTaskResult.objects.get()
    for worker in ("w1", "w2", "w3"):
        task.claim(worker)
    later = timezone.now() + LEASE + dt.timedelta(seconds=1)

    with caplog.at_level(logging.ERROR, logger="portal.tasks"):
        recovery = tasks_requeue_stuck(lease=LEASE, max_attempts=3, now=later)

    assert recovery.failed == [str(task.pk)] and recovery.requeued == []
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "portal.taskqueue.TaskAbandoned"
    assert "started 3 times (workers w1, w2, w3)" in task.traceback
    assert "given up" in caplog.text
    # Visible to administrators among the failed tasks.
    client.force_login(administrator)
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(changelist, {"status__exact": "FAILED"})
    assert str(task.pk) in page.content.decode()


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_recovery_leaves_finished_and_recent_tasks_alone():
    for _ in range(3):
        outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
    finished, recent, stuck = DBTaskResult.objects.order_by("enqueued_at")
    for task in (finished, recent, stuck):
        task.claim("worker")
    finished.set_successful("sent")
    DBTaskResult.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - 2 * LEASE)

    recovery = tasks_requeue_stuck(lease=LEASE, max_attempts=3)

    assert recovery.requeued == [str(stuck.pk)]
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {finished.pk: "SUCCESSFUL", recent.pk: "RUNNING", stuck.pk: "READY"}


def test_the_recovery_command_refuses_a_lease_that_is_not_a_positive_number():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("requeue_stuck_tasks", "--lease-seconds", "0")


# --- The scheduler ------------------------------------------------------------------------------


def test_the_scheduler_queues_the_recovery_every_minute_and_the_digests_daily():
    CrontaskCommand().load_tasks({})  # what `manage.py crontask` does first
    jobs = {job.name: job for job in scheduler.get_jobs()}

    recovery, digests = jobs["requeue_stuck_tasks"], jobs["send_digests"]
    assert recovery.func == portal_tasks.requeue_stuck_tasks.enqueue
    assert digests.func == reviews_tasks.send_digests.enqueue
    start = dt.datetime(2026, 5, 4, 12, 0, 30, tzinfo=dt.UTC)
    first = recovery.trigger.get_next_fire_time(None, start)
    assert first - start <= dt.timedelta(minutes=1)
    assert recovery.trigger.get_next_fire_time(first, first) - first == dt.timedelta(minutes=1)
    day = digests.trigger.get_next_fire_time(None, start)
    assert (day.hour, day.minute) == (6, 0)
    assert digests.trigger.get_next_fire_time(day, day) - day == dt.timedelta(days=1)
    assert jobs["prune_task_results"].func == portal_tasks.prune_task_results.enqueue


@pytest.mark.django_db
def test_the_scheduled_recovery_task_requeues_what_is_stuck():
    with override_settings(TASKS=DATABASE_QUEUE):
        outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
    task = DBTaskResult.objects.get()
    task.claim("killed-worker")

    with time_machine.travel(timezone.now() + LEASE + dt.timedelta(seconds=1)):
        result = portal_tasks.requeue_stuck_tasks.call()

    assert result == {"requeued": [str(task.pk)], "failed": []}


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_nightly_pruning_forgets_old_finished_tasks_but_keeps_failed_ones_longer():
    for _ in range(2):
        outbox.email_queue(to="ana@example.org", subject="Hello", body="Text")
    succeeded, failed = DBTaskResult.objects.order_by("enqueued_at")
    succeeded.set_successful("sent")
    failed.set_failed(RuntimeError("refused"))
    DBTaskResult.objects.update(finished_at=timezone.now() - dt.timedelta(days=20))

    portal_tasks.prune_task_results.call()

    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [failed.pk]


# --- The upgrade --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_queued_before_the_upgrade_is_recorded_and_sent_once():
    upgrade = importlib.import_module("actors.migrations.0010_queued_mail_becomes_outgoing_email")
    old_kwargs = {"to": "ana@example.org", "subject": "Hello", "body": "Queued before"}
    waiting = DBTaskResult.objects.create(
        task_path="actors.tasks.send_email",
        args_kwargs={"args": [], "kwargs": old_kwargs},
        backend_name="default",
        run_after=get_date_max(),
    )
    done = DBTaskResult.objects.create(
        task_path="actors.tasks.send_email",
        args_kwargs={"args": [], "kwargs": old_kwargs},
        backend_name="default",
        run_after=get_date_max(),
        status="SUCCESSFUL",
    )

    upgrade.queued_mail_becomes_outgoing_email(django_apps, None)

    email = OutgoingEmail.objects.get()
    waiting.refresh_from_db()
    assert waiting.args_kwargs == {"args": [], "kwargs": {"email_id": str(email.pk)}}
    assert (email.to, email.subject, email.body) == ("ana@example.org", "Hello", "Queued before")
    assert email.message_id == f"<{email.pk.hex}@localhost>"
    done.refresh_from_db()
    assert done.args_kwargs["kwargs"] == old_kwargs  # what was sent stays as it was
    assert send_email.call(**waiting.args_kwargs["kwargs"]) == "sent"
    assert [m.body for m in mail.outbox] == ["Queued before"]
