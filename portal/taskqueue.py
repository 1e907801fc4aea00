"""Tasks that a killed worker left "running" go back to the queue.

django-tasks-db (0.13) marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when
the worker is done; it has no lease or heartbeat, so a worker killed in between (OOM, SIGKILL, a
lost machine) leaves the task RUNNING for ever. `tasks_requeue_stuck` treats a claim as a lease:
a task still running `lease` after it started is put back to READY for another worker, and one
that was claimed `max_attempts` times already is marked FAILED and logged instead, so a task that
kills its worker every time cannot loop. Each claim appends the worker's id to `worker_ids`, which
therefore counts the attempts.

The lease must be longer than any task runs. A task that merely outlives it (its worker alive but
slow) may run twice; the portal's tasks are written for that (actors.outbox).
"""

import dataclasses
import datetime as dt
import logging

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

log = logging.getLogger("portal.tasks")

# Rows handled in one run; the next run (a minute later) takes the rest.
BATCH = 100


class TaskAbandoned(Exception):
    """The error recorded on a task whose workers kept dying while running it."""


@dataclasses.dataclass(frozen=True)
class Recovery:
    requeued: list[str]
    failed: list[str]


def tasks_requeue_stuck(
    *, lease: dt.timedelta, max_attempts: int, now: dt.datetime | None = None
) -> Recovery:
    """Put back to READY the tasks RUNNING for longer than `lease`; fail those claimed
    `max_attempts` times. Safe to run from several places at once: rows are taken with
    SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL (an exclusive transaction on SQLite), and each
    is changed only if it is still the same claim."""
    now = now or timezone.now()
    requeued, failed = [], []
    stuck = (
        DBTaskResult.objects.running()
        .filter(started_at__lt=now - lease)
        .order_by("started_at")
        .select_for_update(skip_locked=True)
    )
    with exclusive_transaction(stuck.db):
        for result in stuck[:BATCH]:
            same_claim = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
            )
            attempts = len(result.worker_ids)
            if attempts >= max_attempts:
                changed = same_claim.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    return_value=None,
                    exception_class_path=f"{__name__}.{TaskAbandoned.__qualname__}",
                    traceback=(
                        f"{TaskAbandoned.__name__}: {result.task_path} started {attempts} "
                        f"times (workers {', '.join(result.worker_ids)}) and never finished; "
                        f"the last run started at {result.started_at.isoformat()}."
                    ),
                )
                if changed:
                    failed.append(str(result.pk))
                    log.error(
                        "task %s (%s) given up: its worker stopped during each of %d attempts",
                        result.pk,
                        result.task_path,
                        attempts,
                    )
            elif same_claim.update(status=TaskResultStatus.READY):
                requeued.append(str(result.pk))
                log.warning(
                    "task %s (%s) requeued: running since %s on worker %s, past the lease of %s",
                    result.pk,
                    result.task_path,
                    result.started_at.isoformat(timespec="seconds"),
                    result.worker_ids[-1] if result.worker_ids else "?",
                    lease,
                )
    return Recovery(requeued=requeued, failed=failed)
