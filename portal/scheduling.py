"""The scheduler's periodic jobs: crontask's `@cron`, each run with the database connections that
Django gives a request.

The scheduler (`manage.py crontask`) is a long-running process outside any request, so Django
never closes its database connection: after PostgreSQL restarted, every job failed on the closed
connection ("the connection is closed") until the scheduler was restarted by hand — the
recovery of stuck tasks included (found by `make soak`). Each job now starts and ends as a request
does, with `close_old_connections()`: a connection that failed or outlived CONN_MAX_AGE is
closed, the next is health-checked (CONN_HEALTH_CHECKS), and a job after an outage connects
afresh.
"""

import crontask
from django.db import close_old_connections


class _FreshConnections:
    """Stands for a task in crontask's registration: its enqueue() runs between two
    close_old_connections(), in the scheduler's thread that runs the job."""

    def __init__(self, task):
        self.task = task
        self.name = task.name

    def enqueue(self, *args, **kwargs):
        close_old_connections()
        try:
            return self.task.enqueue(*args, **kwargs)
        finally:
            close_old_connections()


def cron(schedule):
    """`crontask.cron(schedule)` for a task, its job run with fresh connections (no Sentry
    monitor: the portal reports through its logs)."""

    def decorator(task):
        crontask.cron(schedule, sentry_monitor_config=None)(_FreshConnections(task))
        return task

    return decorator


def task_of(job):
    """The task a scheduler job queues (for the tests and for reading the schedule)."""
    return job.func.__self__.task
