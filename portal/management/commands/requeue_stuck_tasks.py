import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.taskqueue import tasks_requeue_stuck


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise CommandError(f"Expected a whole number of at least 1, not {value!r}.")
    return number


class Command(BaseCommand):
    help = (
        "Put the tasks that a killed worker left running back in the queue (those running for "
        "longer than the lease); fail and log those whose workers died too often. The scheduler "
        "(manage.py crontask) runs it every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lease-seconds",
            type=_positive_int,
            default=settings.TASK_LEASE_SECONDS,
            help="How long a task may run before it counts as abandoned (default: %(default)s).",
        )
        parser.add_argument(
            "--max-attempts",
            type=_positive_int,
            default=settings.TASK_MAX_ATTEMPTS,
            help="Claims after which a task is failed, not requeued (default: %(default)s).",
        )

    def handle(self, *args, lease_seconds, max_attempts, **options):
        recovery = tasks_requeue_stuck(
            lease=dt.timedelta(seconds=lease_seconds), max_attempts=max_attempts
        )
        if options["verbosity"]:
            self.stdout.write(
                f"Stuck tasks: {len(recovery.requeued)} requeued, {len(recovery.failed)} failed."
            )
