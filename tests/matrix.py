"""The permission matrices' shared parts (STYLE 14): one table per permission with every persona
in it, what a response means, and the check that a refused action changes nothing and is logged
while an allowed one takes effect.

HTML outcomes: "200", "403", "404", "405", "409" are statuses; "login" and "mfa" are redirects to
the sign-in page and to the MFA set-up page; "reauth" is the redirect to give the password (or
second factor) again; "join" is the redirect of someone without an
organisation to "my organisations"; "done" is any other redirect (the one that follows a
successful action). API outcomes are the status codes themselves.
"""

import logging
from contextlib import contextmanager

from django.urls import reverse

REFUSED = {"login", "mfa", "reauth", "join", "403", "404", "405", "409", 401, 403, 404, 405, 409}
WRITES = {"post", "put", "patch", "delete"}


def make_table(personas):
    """A table builder that insists on an outcome for every persona."""

    def table(**outcomes):
        assert set(outcomes) == set(personas), set(personas) ^ set(outcomes)
        return outcomes

    return table


def done_when(row: dict, allowed="200") -> dict:
    """The outcomes of posting a page's form: its "allowed" becomes "done"."""
    return {persona: "done" if value == allowed else value for persona, value in row.items()}


def outcome(response, *, joins: bool = False) -> str:
    """What an HTML response means, in the matrices' words (`joins`: a redirect to "my
    organisations" means "join one first")."""
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    if location.startswith(reverse("account_login")):
        return "login"
    if location.startswith(reverse("mfa_activate_totp")):
        return "mfa"
    if location.startswith((reverse("account_reauthenticate"), reverse("mfa_reauthenticate"))):
        return "reauth"
    if joins and location == reverse("actors:my-organisations"):
        return "join"
    return "done"


@contextmanager
def denials(caplog):
    """Collect the security log's denials of the block."""
    seen: list[str] = []
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        caplog.clear()
        yield seen
        seen.extend(r.getMessage() for r in caplog.records if "denied" in r.getMessage())


def assert_cell(got, expected, *, method, before, after, denied, logged=True):
    """One cell of a matrix: the outcome, and its effect on the database and the log."""
    assert got == expected
    if expected in REFUSED:
        assert after == before, "a refused action changed nothing"
        if logged and expected not in {"405", 405}:
            assert denied, "every denial is logged"
    elif method in WRITES:
        assert after != before, "an allowed action took effect"
    else:
        assert after == before, "looking changes nothing"
