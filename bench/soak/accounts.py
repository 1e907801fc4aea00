"""API tokens for the soak's writing users, made for the demo accounts that `seed_demo` creates.

The writers use the API with `Authorization: Token …` rather than the HTML login: the login is
rate-limited per address (every simulated person comes from 127.0.0.1), and with DEBUG off the
session cookie is `Secure`, which a plain-HTTP load generator would never send back.

    $PY -m bench.soak.accounts            # prints {"commenters": [...], "editors": [...]} as JSON

Run it against the database the app servers use (DATABASE_URL). Every run makes new tokens, named
"soak", and revokes the soak tokens of earlier runs.
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


def issue() -> dict:
    """A fresh token per demo account; editors also get the id of the organisation they draft
    for."""
    from django.utils import timezone

    from actors.models import ApiToken, Membership, User

    users = {user.email: user for user in User.objects.filter(email__in=COMMENTERS + EDITORS)}
    missing = sorted(set(COMMENTERS + EDITORS) - set(users))
    if missing:
        raise SystemExit(f"No demo account {', '.join(missing)}: run `manage.py seed_demo` first.")
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
        "commenters": [{"email": email, "token": keys[email]} for email in COMMENTERS],
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
