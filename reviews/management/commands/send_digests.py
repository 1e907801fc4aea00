from django.core.management.base import BaseCommand

from actors.notifications import send_daily_digests
from reviews.services.moderation import send_moderator_digest


class Command(BaseCommand):
    help = (
        "Send the daily e-mail digests: each person's digest notifications, and the moderators' "
        "summary of what is pending. Run it once a day (cron or a scheduler)."
    )

    def handle(self, *args, **options):
        people = send_daily_digests()
        moderators = send_moderator_digest()
        if options["verbosity"]:
            self.stdout.write(f"Digests queued: {people} personal, {moderators} for moderators.")
