"""What every API endpoint shares: pagination, the error format, and permission outcomes."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from actors.permissions import Access
from portal.ratelimit import RateLimited

security_log = logging.getLogger("portal.security")


class CursorPagination(pagination.CursorPagination):
    """Stable under inserts, as fast on page 4,000 as on page 1."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The resource is not in a state that allows this."
    default_code = "conflict"


class TooManyRequests(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = "Too many requests; please wait a little."
    default_code = "throttled"


def require(request, access: Access, what: str, *, state_conflict: bool = False) -> None:
    """Raise the API error for a refused permission (logged like the web site's denials).

    `state_conflict`: the person holds the role, and only the object's state forbids the action;
    that is a 409, not a 403.
    """
    if access is Access.ALLOW:
        return
    security_log.warning(
        "api access denied (%s): user=%s ip=%s method=%s path=%s what=%s",
        access.value,
        request.user.pk if request.user.is_authenticated else "anonymous",
        request.META.get("REMOTE_ADDR", ""),
        request.method,
        request.path,
        what,
    )
    if access is Access.LOGIN_REQUIRED:
        raise exceptions.NotAuthenticated()
    if access is Access.MFA_REQUIRED:
        raise exceptions.PermissionDenied(
            "Set up two-factor authentication before using the powers of your role."
        )
    if access is Access.NOT_FOUND:
        raise exceptions.NotFound()
    if state_conflict:
        raise Conflict(f"This {what} is not possible in the current state.")
    raise exceptions.PermissionDenied()


def _validation_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"detail": " ".join(error.messages)}


def exception_handler(exc, context):
    """DRF's handler, plus the portal's own exceptions turned into clear JSON errors."""
    from reviews.services import PledgeConflict, TransitionNotAllowed

    if isinstance(exc, PledgeConflict):
        return Response(
            {
                "detail": str(exc),
                "current_version": exc.current.version,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RateLimited):
        return Response({"detail": " ".join(exc.messages)}, status=429)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "The request is too large."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
