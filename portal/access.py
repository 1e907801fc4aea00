"""Turn a permission outcome into an HTTP response, logging every denial."""

import logging

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from actors.permissions import Access

security_log = logging.getLogger("portal.security")


def enforce(request, access: Access, what: str):
    """Return None when allowed, a redirect when the person must sign in or set up MFA;
    raise 403 or 404 otherwise. Every denial is logged: who, from where, what, why."""
    if access is Access.ALLOW:
        return None
    security_log.warning(
        "access denied (%s): user=%s ip=%s method=%s path=%s what=%s",
        access.value,
        request.user.pk if request.user.is_authenticated else "anonymous",
        request.META.get("REMOTE_ADDR", ""),
        request.method,
        request.path,
        what,
    )
    if access is Access.LOGIN_REQUIRED:
        return redirect_to_login(request.get_full_path())
    if access is Access.MFA_REQUIRED:
        messages.warning(
            request,
            "Set up two-factor authentication (an authenticator app) before using the powers "
            "of your role.",
        )
        return redirect("mfa_activate_totp")
    if access is Access.FORBIDDEN:
        raise PermissionDenied(what)
    raise Http404(what)
