"""The scheduler's nightly clearing of expired sessions (beside the queue's upkeep and the
digests, tested in tests/actors/test_task_recovery.py)."""

import datetime as dt

import pytest
from crontask import scheduler
from crontask.management.commands.crontask import Command as CrontaskCommand
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal import tasks as portal_tasks
from portal.scheduling import task_of


def test_the_scheduler_clears_expired_sessions_every_night():
    CrontaskCommand().load_tasks({})  # what `manage.py crontask` does first
    jobs = {job.name: job for job in scheduler.get_jobs()}

    clearing = jobs["clear_expired_sessions"]
    assert task_of(clearing) is portal_tasks.clear_expired_sessions
    start = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)
    night = clearing.trigger.get_next_fire_time(None, start)
    assert (night.hour, night.minute) == (4, 15)
    assert clearing.trigger.get_next_fire_time(night, night) - night == dt.timedelta(days=1)


@pytest.mark.django_db
def test_clearing_deletes_expired_sessions_and_keeps_live_ones():
    live, expired = SessionStore(), SessionStore()
    live["kept"] = expired["gone"] = True
    live.save()
    expired.save()
    Session.objects.filter(pk=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    portal_tasks.clear_expired_sessions.call()

    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]


def test_a_job_queues_its_task_between_two_fresh_connection_checks(monkeypatch):
    """A job of the long-running scheduler starts and ends as a request does: a connection
    closed by a restart of PostgreSQL is dropped, not reused by every later job."""
    from portal import scheduling

    calls = []
    monkeypatch.setattr(scheduling, "close_old_connections", lambda: calls.append("check"))

    class Task:
        name = "some_task"

        def enqueue(self):
            calls.append("enqueue")
            return "queued"

    assert scheduling._FreshConnections(Task()).enqueue() == "queued"
    assert calls == ["check", "enqueue", "check"]


@pytest.mark.django_db(transaction=True)
def test_a_job_after_the_connection_broke_connects_again():
    from django.db import connection

    from portal import scheduling

    if connection.vendor != "postgresql":
        pytest.skip("the tests' in-memory SQLite database is gone once its connection closes")

    CrontaskCommand().load_tasks({})
    job = {job.name: job for job in scheduler.get_jobs()}["clear_expired_sessions"]
    connection.ensure_connection()
    connection.connection.close()  # as a restart of the database server leaves it
    connection.errors_occurred = True  # what the failing query of the job before recorded

    job.func()  # queues the task: it must reach the database through a new connection

    assert scheduling.task_of(job) is portal_tasks.clear_expired_sessions
    assert connection.is_usable()
