"""Receivers of allauth's signals (the only hook it offers for credential changes)."""

import logging

from actors.middleware import mark_session_started
from actors.services import credentials_revoke, sessions_end

security_log = logging.getLogger("portal.security")


def _changed(request, user):
    """The person whose credentials changed and the session to keep (the one that did it)."""
    user = user or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None, None
    return user, request.session.session_key if request is not None else None


def end_other_sessions(sender, request=None, user=None, **kwargs):
    """A second factor added or removed: the other sessions end."""
    user, current = _changed(request, user)
    if user is None:
        return
    ended = sessions_end(user=user, keep_session_key=current)
    security_log.info("credentials changed: user=%s other sessions ended=%d", user.pk, ended)


def revoke_credentials(sender, request=None, user=None, **kwargs):
    """A password changed, reset or set: the other sessions end and every API token is revoked
    (a token made under the old password must not outlive it)."""
    user, current = _changed(request, user)
    if user is None:
        return
    ended, revoked = credentials_revoke(user=user, keep_session_key=current)
    security_log.info(
        "password changed: user=%s other sessions ended=%d tokens revoked=%d",
        user.pk,
        ended,
        revoked,
    )


def session_started(sender, request=None, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_session_started(request)
