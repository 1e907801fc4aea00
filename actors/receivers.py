"""Receivers of allauth's signals (the only hook it offers for credential changes)."""

import logging

from actors.middleware import mark_session_started
from actors.services import sessions_end

security_log = logging.getLogger("portal.security")


def end_other_sessions(sender, request=None, user=None, **kwargs):
    user = user or getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    current = request.session.session_key if request is not None else None
    ended = sessions_end(user=user, keep_session_key=current)
    security_log.info("credentials changed: user=%s other sessions ended=%d", user.pk, ended)


def session_started(sender, request=None, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_session_started(request)
