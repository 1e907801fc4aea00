from django.core.management.base import BaseCommand

from reviews.reference import REFERENCE_FIXTURES, load_reference


class Command(BaseCommand):
    help = "Load the curated reference data from fixtures/, in order (idempotent)."

    def handle(self, *args, **options):
        load_reference(verbosity=options["verbosity"])
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {len(REFERENCE_FIXTURES)} reference fixture files.")
        )
