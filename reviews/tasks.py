"""Work of the reviews app for the task workers: scheduled by `manage.py crontask`, or queued by a
request (`build_export`, defined with the exports it builds; `deliver_follows`, with the
follows it serves)."""

from django.conf import settings
from django.tasks import task

from actors.notifications import send_daily_digests
from portal.requestid import carries_request_id
from portal.scheduling import cron
from reviews.exports.jobs import build_export, prune_export_jobs
from reviews.follows import deliver_follows
from reviews.rounds import send_reminders
from reviews.services.moderation import send_moderator_digest


@cron(settings.DIGEST_SCHEDULE)
@task
@carries_request_id
def send_digests() -> dict[str, int]:
    """Once a day: each person's digest notifications, and the moderators' summary of what is
    pending."""
    # The moderators' summary first: a moderator who chose the daily digest for it finds it in
    # today's digest, not tomorrow's.
    moderators = send_moderator_digest()
    people = send_daily_digests()
    return {"personal": people, "moderators": moderators}


@cron("45 3 * * *")
@task
@carries_request_id
def prune_exports() -> dict[str, int]:
    """Every night: the large exports older than EXPORT_FILE_DAYS go, with their files."""
    return {"pruned": prune_export_jobs()}


@cron("30 5 * * *")
@task
@carries_request_id
def send_round_reminders() -> dict[str, int]:
    """Every morning, before the digests: each open reporting round's request or reminder, to
    those it has not reached yet (reviews.rounds.send_reminders)."""
    return send_reminders()


__all__ = [
    "build_export",
    "deliver_follows",
    "prune_exports",
    "send_digests",
    "send_round_reminders",
]
