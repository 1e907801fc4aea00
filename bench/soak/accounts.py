"""API tokens for the soak's writing users, made for the demo accounts that `seed_demo` creates.

The writers use the API with `Authorization: Token …` rather than the HTML login: the login is
rate-limited per address (every simulated person comes from 127.0.0.1), and with DEBUG off the
session cookie is `Secure`, which a plain-HTTP load generator would never send back.

    $PY -m bench.soak.accounts            # prints {"commenters": [...], "editors": [...]} as JSON

Run it against the database the app servers use (DATABASE_URL). Every run makes new tokens, named
"soak", and revokes the soak tokens of earlier runs. The commenters are also accounts of their
own, made for the run (SOAK_COMMENTERS of them, 16 by default): a person may post ten comments
in ten minutes, so the demo accounts, still counted from a run a few minutes before, would
acknowledge no comment at all.
"""

import json
import os
import sys

# Everyone with an account may comment in their own name; these draft for their organisation.
COMMENTERS = [
    "member@demo.example.org",
    "contributor.state@demo.example.org",
    "focal.state@demo.example.org",
    "focal.city@demo.example.org",
    "focal.ngo@demo.example.org",
    "focal.youth@demo.example.org",
    "moderator@demo.example.org",
    "admin@demo.example.org",
]
EDITORS = [
    "contributor.state@demo.example.org",
    "focal.state@demo.example.org",
    "focal.city@demo.example.org",
    "focal.ngo@demo.example.org",
    "focal.youth@demo.example.org",
]
TOKEN_NAME = "soak"  # noqa: S105 — the name shown in the token list, not a key
# The run's own commenters: soak.<run>.<n>@soak.example.org (a domain that receives no mail).
FRESH_COMMENTERS = int(os.environ.get("SOAK_COMMENTERS", "16"))


def _fresh_commenters() -> list:
    """New people, with a verified address, for this run only."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from actors.models import User

    run = timezone.now().strftime("%Y%m%d%H%M%S%f")
    people = []
    for number in range(FRESH_COMMENTERS):
        email = f"soak.{run}.{number}@soak.example.org"
        user = User.objects.create_user(email=email, password=None, display_name=f"Soak {number}")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    return people


def issue() -> dict:
    """A fresh token per demo account; editors also get the id of the organisation they draft
    for."""
    from django.utils import timezone

    from actors.models import ApiToken, Membership, User

    users = {user.email: user for user in User.objects.filter(email__in=COMMENTERS + EDITORS)}
    missing = sorted(set(COMMENTERS + EDITORS) - set(users))
    if missing:
        raise SystemExit(f"No demo account {', '.join(missing)}: run `manage.py seed_demo` first.")
    commenters = [user.email for user in _fresh_commenters()] if FRESH_COMMENTERS else COMMENTERS
    users.update(User.objects.in_bulk(commenters, field_name="email"))
    ApiToken.objects.filter(name=TOKEN_NAME, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    keys = {
        email: ApiToken.objects.create_for(user=user, name=TOKEN_NAME)[1]
        for email, user in users.items()
    }
    leads = dict(
        Membership.objects.filter(user__email__in=EDITORS).values_list("user__email", "actor_id")
    )
    return {
        "commenters": [{"email": email, "token": keys[email]} for email in commenters],
        "editors": [
            {"email": email, "token": keys[email], "lead": leads[email]} for email in EDITORS
        ],
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    json.dump(issue(), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
