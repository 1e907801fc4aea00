"""Permission outcomes, and how the HTML site turns one into a response (logging every denial).

The permission functions of the apps answer with an `Access`; the HTML views go through
`enforce()` here and the API through `portal.api.require()`, so both give the same answer.
"""

import enum
import functools
import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

security_log = logging.getLogger("portal.security")


class Access(enum.Enum):
    """The outcome of a permission check."""

    ALLOW = "allow"
    LOGIN_REQUIRED = "login required"
    MFA_REQUIRED = "second factor required"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "hidden"
    # The person holds the role; only the object's state (a published pledge, say) forbids it.
    CONFLICT = "not possible in this state"

    def __bool__(self):
        return self is Access.ALLOW

    @property
    def offered(self) -> bool:
        """Whether a page shows the button: to the role, even before its second factor is set
        up (asked for on click)."""
        return self in (Access.ALLOW, Access.MFA_REQUIRED)


class Conflict(Exception):
    """A change refused because of the object's state or a newer version: an HTTP 409."""

    def api_detail(self) -> dict:
        messages_ = getattr(self, "messages", None) or [str(self)]
        return {"detail": " ".join(str(m) for m in messages_)}


MFA_MESSAGE = _(
    "Set up two-factor authentication (an authenticator app) before using the powers of your role."
)


def log_denial(request, access: Access, what: str, *, channel: str = "access") -> None:
    user = getattr(request, "user", None)
    security_log.warning(
        "%s denied (%s): user=%s ip=%s method=%s path=%s what=%s",
        channel,
        access.value if isinstance(access, Access) else access,
        user.pk if user is not None and user.is_authenticated else "anonymous",
        request.META.get("REMOTE_ADDR", ""),
        request.method,
        request.path,
        what,
    )


def enforce(request, access: Access, what: str):
    """Return None when allowed, a redirect when the person must sign in or set up MFA, a 409
    page when the object's state forbids it; raise 403 or 404 otherwise."""
    if access is Access.ALLOW:
        return None
    log_denial(request, access, what)
    if access is Access.LOGIN_REQUIRED:
        return redirect_to_login(request.get_full_path())
    if access is Access.MFA_REQUIRED:
        messages.warning(request, str(MFA_MESSAGE))
        return redirect("mfa_activate_totp")
    if access is Access.CONFLICT:
        return render(request, "409.html", {"what": what}, status=409)
    if access is Access.FORBIDDEN:
        raise PermissionDenied(what)
    raise Http404(what)


def sign_in_first(view):
    """Ask an anonymous visitor to sign in before the view looks anything up, so that an id of
    something hidden and an id nothing has get the same answer (and the denial is logged)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return enforce(request, Access.LOGIN_REQUIRED, view.__name__.replace("_", " "))
        return view(request, *args, **kwargs)

    return wrapper


# The site's pages answer GET (and HEAD); its forms POST too. Anything else is a 405.
require_page_or_form = require_http_methods(["GET", "HEAD", "POST"])
