from django.core.management.base import BaseCommand

from reviews.tasks import send_digests


class Command(BaseCommand):
    help = (
        "Send the daily e-mail digests now: each person's digest notifications, and the "
        "moderators' summary of what is pending. The scheduler (manage.py crontask) queues the "
        "same task once a day (DIGEST_SCHEDULE)."
    )

    def handle(self, *args, **options):
        queued = send_digests.call()
        if options["verbosity"]:
            self.stdout.write(
                f"Digests queued: {queued['personal']} personal, "
                f"{queued['moderators']} for moderators."
            )
