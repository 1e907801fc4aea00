"""The portal's own middlewares: the request id first, health pages before the rest, a 503 while
the database is down."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import server_error as default_server_error

from portal import dbrouter, health, requestid

log = logging.getLogger("portal")

# What "the database cannot be reached" raises; an IntegrityError or a ProgrammingError is a bug.
UNAVAILABLE = (OperationalError, InterfaceError)
UNAVAILABLE_DETAIL = _("The service is temporarily unavailable; please try again shortly.")
API_PREFIX = "/api/"


class RequestIdMiddleware:
    """First of all: the request's id, taken from a valid X-Request-ID or made, for every log
    record written while it is served (portal.logs) and for the response's X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = requestid.accepted(request.META.get(requestid.META_KEY)) or requestid.new()
        token = requestid.bind(request.id)
        try:
            response = self.get_response(request)
        finally:
            requestid.unbind(token)
        response[requestid.HEADER] = request.id
        return response


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before the session, the user and the portal's middlewares.

    Those load the signed-in user from the database; the health pages must answer what they
    check, not what a session cookie costs. The host is still validated.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = None

    def __call__(self, request):
        if self.views is None:
            self.views = {reverse("healthz"): health.healthz, reverse("readyz"): health.readyz}
        view = self.views.get(request.path)
        if view is None:
            return self.get_response(request)
        request.get_host()  # Raises DisallowedHost (a 400) for a host not in ALLOWED_HOSTS.
        return view(request)


class ReplicaRoutingMiddleware:
    """Lets the reads of a safe, anonymous request go to a replica (portal.dbrouter), and keeps
    the next reads of whoever sent an unsafe request on the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_ROUTERS:
            return self.get_response(request)
        token = dbrouter.allow_replica_reads(dbrouter.request_may_read_replica(request))
        try:
            response = self.get_response(request)
        finally:
            dbrouter.end_replica_reads(token)
        if request.method not in dbrouter.SAFE_METHODS:
            response.set_cookie(
                dbrouter.PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def unavailable(request, error: Exception) -> HttpResponse:
    """The answer while the database cannot be reached: JSON for the API, a page for the site."""
    log.error("database unavailable: %s %s (%r)", request.method, request.path, error)
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse({"detail": str(UNAVAILABLE_DETAIL)}, status=503)
    else:
        # Rendered without the request: the context processors would ask the database again.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(health.RETRY_AFTER)
    return response


class DatabaseUnavailableMiddleware:
    """A view (or its template) that cannot reach the database answers 503, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return unavailable(request, exception)
        return None


def server_error(request):
    """handler500: the same 503 when another middleware (the session, the user) lost the database.

    Django turns a middleware's exception into a response before any middleware could catch it,
    so that case reaches this handler, still inside the except block that caught the error.
    """
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        return unavailable(request, error)
    return default_server_error(request)
