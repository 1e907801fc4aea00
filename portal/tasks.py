"""Periodic upkeep run by the scheduler (`manage.py crontask`) through a worker: the task queue's
(requeue, prune) and the sessions' (clear the expired)."""

import datetime as dt

from django.conf import settings
from django.core.management import call_command
from django.tasks import task

from portal import throttling
from portal.requestid import carries_request_id
from portal.scheduling import cron
from portal.taskqueue import tasks_requeue_stuck


@cron("* * * * *")
@task
@carries_request_id
def requeue_stuck_tasks() -> dict[str, list[str]]:
    """Every minute: tasks left running by a killed worker go back to the queue."""
    recovery = tasks_requeue_stuck(
        lease=dt.timedelta(seconds=settings.TASK_LEASE_SECONDS),
        max_attempts=settings.TASK_MAX_ATTEMPTS,
    )
    return {"requeued": recovery.requeued, "failed": recovery.failed}


@cron("30 3 * * *")
@task
@carries_request_id
def prune_task_results() -> None:
    """Every night: forget finished tasks after two weeks (the recovery alone queues one a
    minute); failed ones stay for 90 days, for the administrators to see."""
    call_command(
        "prune_db_task_results",
        "--queue-name=*",
        "--min-age-days=14",
        "--failed-min-age-days=90",
        verbosity=0,
    )


@cron("15 4 * * *")
@task
@carries_request_id
def clear_expired_sessions() -> None:
    """Every night: delete the sessions past their expiry (SESSION_ABSOLUTE_LIFETIME), which the
    database session store never deletes by itself."""
    call_command("clearsessions", verbosity=0)


@cron("40 3 * * *")
@task
@carries_request_id
def prune_throttle_windows() -> int:
    """Every night: forget the API throttle counters of past windows (database store only)."""
    return throttling.prune()
