"""The task queue's own upkeep, run by the scheduler (`manage.py crontask`) through a worker."""

import datetime as dt

from crontask import cron
from django.conf import settings
from django.core.management import call_command
from django.tasks import task

from portal import throttling
from portal.taskqueue import tasks_requeue_stuck


@cron("* * * * *")
@task
def requeue_stuck_tasks() -> dict[str, list[str]]:
    """Every minute: tasks left running by a killed worker go back to the queue."""
    recovery = tasks_requeue_stuck(
        lease=dt.timedelta(seconds=settings.TASK_LEASE_SECONDS),
        max_attempts=settings.TASK_MAX_ATTEMPTS,
    )
    return {"requeued": recovery.requeued, "failed": recovery.failed}


@cron("30 3 * * *")
@task
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


@cron("40 3 * * *")
@task
def prune_throttle_windows() -> int:
    """Every night: forget the API throttle counters of past windows (database store only)."""
    return throttling.prune()
