"""What the mail and task-recovery tests share: a worker that runs or dies on cue."""

import datetime as dt
from pathlib import Path

from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

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
