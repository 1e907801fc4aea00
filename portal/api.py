"""What every API endpoint shares: pagination, the error format, and permission outcomes."""

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from portal import keyset
from portal.access import MFA_MESSAGE, Access, Conflict, log_denial
from portal.ratelimit import RateLimited


class CursorPagination(pagination.CursorPagination):
    """Stable under inserts, as fast on page 4,000 as on page 1."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"

    page_size_query_description = _(
        "Rows per page, a whole number from 1 (default 20; larger asks get 200)."
    )
    invalid_page_size_message = _("Give a whole number of rows per page, 1 or more.")

    def get_page_size(self, request):
        # DRF falls back to the default for "abc", "null" or "-1": the schema says integer ≥ 1,
        # so anything else is the client's mistake, named as such.
        text = request.query_params.get(self.page_size_query_param, "").strip()
        if not text:
            return self.page_size
        # ASCII digits only: int() would also take "١٢" or "1_000".
        if not (text.isascii() and text.isdigit()) or not text.strip("0"):
            raise exceptions.ValidationError(
                {self.page_size_query_param: [self.invalid_page_size_message]}
            )
        # Read only as many digits as the cap has: int() refuses 4,300 digits and more.
        digits = text.lstrip("0")
        if len(digits) > len(str(self.max_page_size)):
            return self.max_page_size
        return min(int(digits), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # PostgreSQL refuses NUL in text: a position holding one cannot point at any row.
        if cursor is not None and cursor.position is not None and "\x00" in cursor.position:
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor

    # The keys of the next and previous pages when the order leads with tiers (else None).
    _tier_links = None

    def paginate_queryset(self, queryset, request, view=None):
        self._tier_links = None
        ordered = queryset.order_by(*self.get_ordering(request, queryset, view))
        order = keyset.order_of(ordered)
        if order is not None and order.tiers is not None:
            return self._paginate_by_tiers(ordered, order, request)
        if not request.query_params.get(self.cursor_query_param):
            return super().paginate_queryset(queryset, request, view)
        # A forged cursor's position may not fit the ordering field ("p=abc" for an integer):
        # it is an invalid cursor, like any other undecodable one, not a server error.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as error:
            raise exceptions.NotFound(self.invalid_cursor_message) from error

    def _paginate_by_tiers(self, queryset, order, request):
        """An order that leads with tiers (a search's rank) is paged by key, as the HTML lists
        are (portal.pagination): DRF's cursor would sort every row by the tier. The cursor's
        position is the key of the row it follows (or, reversed, precedes)."""
        self.request, self.base_url = request, request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        cursor = self.decode_cursor(request)
        after = before = ""
        if cursor is not None:
            direction = order.reversed() if cursor.reverse else order
            if cursor.position is None or direction.decode(cursor.position) is None:
                raise exceptions.NotFound(self.invalid_cursor_message)
            after, before = ("", cursor.position) if cursor.reverse else (cursor.position, "")
        found = keyset.keyset_page(queryset, order, self.page_size, after, before)
        self._tier_links = (found.after, found.before)
        self.page = found.rows
        return found.rows

    def get_next_link(self):
        if self._tier_links is None:
            return super().get_next_link()
        after = self._tier_links[0]
        return self.encode_cursor(pagination.Cursor(0, False, after)) if after else None

    def get_previous_link(self):
        if self._tier_links is None:
            return super().get_previous_link()
        before = self._tier_links[1]
        return self.encode_cursor(pagination.Cursor(0, True, before)) if before else None


# What a slug in an address may hold (anything else is a 404 before the database is asked).
SLUG = "[-a-zA-Z0-9_]+"


CONFLICT_MESSAGE = _(
    "Your role allows this, but not in the state the item is in now (for example, a pledge "
    "that is already published cannot be edited or submitted). Nothing was changed."
)


class StateConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The resource is not in a state that allows this.")
    default_code = "conflict"


class TooManyRequests(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many requests; please wait a little.")
    default_code = "throttled"


def require(request, access: Access, what: str) -> None:
    """Raise the API error for a refused permission (logged like the web site's denials)."""
    if access is Access.ALLOW:
        return
    log_denial(request, access, what, channel="api access")
    if access is Access.LOGIN_REQUIRED:
        error = exceptions.NotAuthenticated()
    elif access is Access.MFA_REQUIRED:
        error = exceptions.PermissionDenied(MFA_MESSAGE)
    elif access is Access.NOT_FOUND:
        error = exceptions.NotFound()
    elif access is Access.CONFLICT:
        # The 409 page's sentence: `what` is a label for the log, in English.
        error = StateConflict(CONFLICT_MESSAGE)
    else:
        error = exceptions.PermissionDenied()
    error.logged = True
    raise error


def _validation_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        # Errors of the whole object go under DRF's own key, as a serializer's would.
        return {
            api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: [
                str(m) for m in messages
            ]
            for field, messages in error.message_dict.items()
        }
    return {"detail": " ".join(error.messages)}


def exception_handler(exc, context):
    """DRF's handler, plus the portal's own exceptions turned into clear JSON errors."""
    if isinstance(exc, Conflict):
        return Response(exc.api_detail(), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RateLimited):
        return Response({"detail": " ".join(exc.messages)}, status=429)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": gettext("The request is too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        return Response(_validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    denied = exceptions.NotAuthenticated | exceptions.AuthenticationFailed
    if isinstance(exc, denied | exceptions.PermissionDenied) and not getattr(exc, "logged", False):
        # Refused by DRF itself (permission class, bad token, CSRF): logged like require()'s.
        request = context.get("request")
        if request is not None:
            log_denial(request, exc.default_code, type(exc).__name__, channel="api access")
    if isinstance(exc, denied):
        # DRF answers 403 when the first authentication class (the session) names no scheme;
        # missing or bad credentials are a 401 that says how to authenticate.
        exc.status_code = status.HTTP_401_UNAUTHORIZED
        exc.auth_header = 'Token realm="api"'
    return drf_exception_handler(exc, context)


@csrf_exempt
def not_found(request, path=""):
    """Unknown addresses under /api/ answer in JSON too (GET without the final slash redirects)."""
    if not request.path_info.endswith("/") and request.method in ("GET", "HEAD"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse({"detail": gettext("Not found.")}, status=status.HTTP_404_NOT_FOUND)


# The OpenAPI description of the errors every operation can answer with.


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(
        required=False, help_text=_("The pledge's version now, after a version conflict.")
    )


FIELD_ERRORS = {
    "type": "object",
    "description": _("Field errors ({field: [messages]}, `non_field_errors`) or {detail}."),
    "additionalProperties": {},
}

ERROR_RESPONSES = {
    "400": (FIELD_ERRORS, _("Invalid input; field errors or {detail}.")),
    "401": (
        ErrorSerializer,
        _("Sign in or send `Authorization: Token …`; or the token is invalid."),
    ),
    "403": (
        ErrorSerializer,
        _("Your role does not allow this (or MFA is needed), or CSRF failed."),
    ),
    "404": (ErrorSerializer, _("Not found, or not visible to you (or an invalid cursor).")),
    "409": (ConflictSerializer, _("Version conflict, or not possible in the current state.")),
    "413": (ErrorSerializer, _("The request body is too large.")),
    "415": (ErrorSerializer, _("Send JSON (`Content-Type: application/json`).")),
    "429": (ErrorSerializer, _("Too many requests.")),
}
# Responses of an operation that lists its own; AutoSchema adds the bodies.
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input; field errors or {detail}.")),
    401: OpenApiResponse(description=_("Sign in or send `Authorization: Token …`.")),
    403: OpenApiResponse(description=_("Your role does not allow this (or MFA is needed).")),
    404: OpenApiResponse(description=_("Not found, or not visible to you.")),
    409: OpenApiResponse(description=_("Version conflict, or not possible in the current state.")),
    429: OpenApiResponse(description=_("Too many requests.")),
}

READ_ERRORS = ("400", "401", "404", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "409", "413", "415", "429")


def _auto_schema_class():
    from drf_spectacular import openapi

    class AutoSchema(openapi.AutoSchema):
        """drf-spectacular's schema, plus the JSON error responses each operation may give."""

        def _get_response_bodies(self, direction="response"):
            responses = super()._get_response_bodies(direction)
            if direction != "response":
                return responses
            codes = READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS
            for code in codes:
                if "content" in responses.get(code, {}):
                    continue
                schema, description = ERROR_RESPONSES[code]
                description = responses.get(code, {}).get("description") or description
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(schema, description), code, direction=direction
                )
            return responses

    return AutoSchema


def __getattr__(name):
    # drf-spectacular's AutoSchema imports rest_framework.generics, which imports this module
    # (the pagination class of the settings): the schema class is made on first use.
    if name == "AutoSchema":
        globals()["AutoSchema"] = cls = _auto_schema_class()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
