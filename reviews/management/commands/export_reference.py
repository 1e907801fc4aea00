from pathlib import Path

from django.core.management.base import BaseCommand

from reviews.reference import FIXTURE_DIR, export_reference


class Command(BaseCommand):
    help = "Write the curated reference data (with the admin's edits) back to fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=FIXTURE_DIR,
            help="Where to write the fixture files (default: the project's fixtures/).",
        )

    def handle(self, *args, directory, **options):
        for path in export_reference(directory=directory):
            self.stdout.write(f"Wrote {path}")
