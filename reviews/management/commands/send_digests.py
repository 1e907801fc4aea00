from django.core.management.base import BaseCommand

from actors.notifications import send_daily_digests
from reviews.services.moderation import send_moderator_digest


class Command(BaseCommand):
    help = (
        "Send the daily e-mail digests: each person's digest notifications, and the moderators' "
        "summary of what is pending. Run it once a day (cron or a scheduler)."
    )

    def handle(self, *args, **options):
        # The moderators' summary first: a moderator who chose the daily digest for it finds it
        # in today's digest, not tomorrow's.
        moderators = send_moderator_digest()
        people = send_daily_digests()
        if options["verbosity"]:
            self.stdout.write(f"Digests queued: {people} personal, {moderators} for moderators.")
