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


def test_the_scheduler_clears_expired_sessions_every_night():
    CrontaskCommand().load_tasks({})  # what `manage.py crontask` does first
    jobs = {job.name: job for job in scheduler.get_jobs()}

    clearing = jobs["clear_expired_sessions"]
    assert clearing.func == portal_tasks.clear_expired_sessions.enqueue
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
