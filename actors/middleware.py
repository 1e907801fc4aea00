"""Session lifetime: a signed-in session ends after an idle period and after an absolute age."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext

security_log = logging.getLogger("portal.security")

STARTED = "_auth_started"
LAST_SEEN = "_auth_last_seen"
# Refresh the idle clock at most this often, so most requests do not write the session.
TOUCH_INTERVAL = 60


def mark_session_started(request) -> None:
    now = time.time()
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        now = time.time()
        started = request.session.get(STARTED)
        last_seen = request.session.get(LAST_SEEN, started)
        if started is None:
            mark_session_started(request)
            return
        if now - started > settings.SESSION_ABSOLUTE_LIFETIME:
            reason = "absolute lifetime reached"
        elif now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            reason = "idle timeout"
        else:
            if now - last_seen > TOUCH_INTERVAL:
                request.session[LAST_SEEN] = now
            return
        security_log.info("session ended (%s): user=%s", reason, request.user.pk)
        logout(request)
        messages.info(request, gettext("Your session has ended. Please sign in again."))
