"""Scheduled work of the reviews app, queued by the scheduler (`manage.py crontask`)."""

from crontask import cron
from django.conf import settings
from django.tasks import task

from actors.notifications import send_daily_digests
from portal.requestid import carries_request_id
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
