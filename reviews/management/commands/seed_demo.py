"""Create clearly marked demo organisations and accounts for trying the portal out."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actors.models import MODERATORS_GROUP, Actor, Membership, Region, User
from reviews.demo import PartialSeed, seed_comments, seed_pledges

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 — documented in the README, refused in production
# The authenticator secret of the demo focal points, moderator and administrator (their powers
# need MFA). Add it to any authenticator app, or run `python manage.py demo_totp`.
DEMO_TOTP_SECRET = "GCMREVIEWPORTALDEMOTWOZEROTWOSIX"  # noqa: S105 — demo only

DEMO_ACTORS = [
    {
        "slug": "demo-ministry-of-interior",
        "name": "Demoland Ministry of the Interior (demo)",
        "short_name": "DMI",
        "kind": Actor.Kind.MEMBER_STATE,
        "region": Region.EUROPE_NORTH_AMERICA,
        "description": "A made-up state focal point for trying the portal out.",
    },
    {
        "slug": "demo-city-of-demopolis",
        "name": "City of Demopolis (demo)",
        "short_name": "Demopolis",
        "kind": Actor.Kind.LOCAL_GOVERNMENT,
        "region": Region.AFRICA,
        "description": "A made-up city government for trying the portal out.",
    },
    {
        "slug": "demo-migrant-voices-network",
        "name": "Migrant Voices Network (demo)",
        "short_name": "MVN",
        "kind": Actor.Kind.MIGRANT_DIASPORA,
        "region": Region.LATIN_AMERICA_CARIBBEAN,
        "description": "A made-up migrant-led organisation for trying the portal out.",
    },
    {
        "slug": "demo-youth-on-the-move",
        "name": "Youth on the Move Collective (demo)",
        "short_name": "YMC",
        "kind": Actor.Kind.YOUTH,
        "region": Region.ASIA_PACIFIC,
        "description": "A made-up youth organisation for trying the portal out.",
    },
]

# (e-mail, display name, organisation slug or None, membership role or None)
DEMO_USERS = [
    (
        "focal.state@demo.example.org",
        "Dana State (demo)",
        "demo-ministry-of-interior",
        "focal-point",
    ),
    (
        "contributor.state@demo.example.org",
        "Sam Drafter (demo)",
        "demo-ministry-of-interior",
        "contributor",
    ),
    ("focal.city@demo.example.org", "Chidi City (demo)", "demo-city-of-demopolis", "focal-point"),
    (
        "focal.ngo@demo.example.org",
        "Lucía Voices (demo)",
        "demo-migrant-voices-network",
        "focal-point",
    ),
    ("focal.youth@demo.example.org", "Arjun Youth (demo)", "demo-youth-on-the-move", "focal-point"),
    ("member@demo.example.org", "Robin Reader (demo)", None, None),
]
MODERATOR = ("moderator@demo.example.org", "Mo Derator (demo)")
ADMINISTRATOR = ("admin@demo.example.org", "Ada Admin (demo)")


class Command(BaseCommand):
    help = "Create demo organisations, accounts and pledges (all marked as demo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--pledges",
            type=int,
            default=24,
            help="How many demo pledges to add (bulk inserted; 100000 for benchmarks).",
        )
        parser.add_argument(
            "--comments",
            type=int,
            default=12,
            help="How many demo comments (and replies) to add on published demo pledges.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even with DEBUG off, e.g. for the benchmark's production-like server. "
            "Never on a real site: the demo accounts share one published password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo only runs with DEBUG on: demo accounts share one password "
                "(--allow-without-debug overrides this, for benchmarks only)."
            )
        with transaction.atomic():
            self._accounts()
        # Pledges and comments are committed in batches (reviews.demo); a failure says how far
        # it got, since what was committed before it stays.
        pledges = comments = 0
        try:
            if options["pledges"] > 0:
                pledges = seed_pledges(options["pledges"])
            if options["comments"] > 0:
                comments = seed_comments(options["comments"])
        except PartialSeed as failure:
            if failure.what == "pledges":
                pledges = failure.created
            else:
                comments = failure.created
            raise CommandError(
                f"seed_demo stopped while adding {failure.what}: {pledges} new pledges and "
                f"{comments} new comments were committed before the failure ({failure.error})."
            ) from failure
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {len(DEMO_ACTORS)} organisations, "
                    f"{len(DEMO_USERS) + 2} accounts (password: {DEMO_PASSWORD}), "
                    f"{pledges} new pledges, {comments} new comments."
                )
            )

    def _accounts(self):
        actors = {}
        for fields in DEMO_ACTORS:
            actor, _ = Actor.objects.update_or_create(
                slug=fields["slug"], defaults={**fields, "is_demo": True}
            )
            actors[actor.slug] = actor
        for email, name, slug, role in DEMO_USERS:
            user = self._user(email, name)
            if slug:
                Membership.objects.update_or_create(
                    user=user, actor=actors[slug], defaults={"role": role}
                )
            if role == Membership.Role.FOCAL_POINT:
                self._totp(user)
        moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        moderator = self._user(*MODERATOR)
        moderator.groups.add(moderators)
        self._totp(moderator)
        self._totp(self._user(*ADMINISTRATOR, is_staff=True, is_superuser=True))

    def _user(self, email, display_name, **flags):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email, DEMO_PASSWORD, display_name=display_name, **flags
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _totp(self, user):
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
