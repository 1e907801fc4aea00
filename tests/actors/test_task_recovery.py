"""Tasks a killed worker left running are requeued and their mail sent once (a real worker
process killed mid-send included); the scheduler that runs the recovery, the digests and the
pruning; mail queued before the upgrade."""

import datetime as dt
import importlib
import logging
import os
import subprocess
import sys
import time

import pytest
import time_machine
from crontask import scheduler
from crontask.management.commands.crontask import Command as CrontaskCommand
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from actors import outbox
from actors.models import OutgoingEmail
from actors.tasks import send_email
from portal import tasks as portal_tasks
from portal.scheduling import task_of
from portal.taskqueue import tasks_requeue_stuck
from reviews import tasks as reviews_tasks
from tests.actors.mail_support import (
    DATABASE_QUEUE,
    LEASE,
    ROOT,
    claim_and_die,
    run_claimed,
    run_worker,
)

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
    assert task_of(recovery) is portal_tasks.requeue_stuck_tasks
    assert task_of(digests) is reviews_tasks.send_digests
    start = dt.datetime(2026, 5, 4, 12, 0, 30, tzinfo=dt.UTC)
    first = recovery.trigger.get_next_fire_time(None, start)
    assert first - start <= dt.timedelta(minutes=1)
    assert recovery.trigger.get_next_fire_time(first, first) - first == dt.timedelta(minutes=1)
    day = digests.trigger.get_next_fire_time(None, start)
    assert (day.hour, day.minute) == (6, 0)
    assert digests.trigger.get_next_fire_time(day, day) - day == dt.timedelta(days=1)
    assert task_of(jobs["prune_task_results"]) is portal_tasks.prune_task_results


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
