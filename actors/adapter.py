"""How django-allauth behaves in the portal: e-mail through the task queue, failed logins
logged and slowed down, the public name saved at sign-up."""

import logging
import secrets
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import ValidationError

from actors.outbox import email_queue

security_log = logging.getLogger("portal.security")

FAILURE_WINDOW = 15 * 60
FREE_FAILURES = 3


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request else ""


def login_failure_delay(failures: int) -> float:
    """Seconds to wait after the n-th failed login for an account: none, then doubling, capped."""
    if failures <= FREE_FAILURES:
        return 0.0
    delay = settings.LOGIN_FAILURE_DELAY * 2 ** (failures - FREE_FAILURES - 1)
    return min(delay, settings.LOGIN_FAILURE_DELAY_MAX)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        # The context allauth's own send_mail gives its templates (the address, the site);
        # without it the messages read "Hello from !" and omit the address concerned.
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        email_queue(to=email, subject=message.subject, body=message.body)

    def send_account_already_exists_mail(self, email: str) -> None:
        # Signing up with an address that has an account answers the same page as a new
        # sign-up; it must also take as long. A new account costs a password hash (the slow
        # part by design), so this path pays for one too, with the same hasher.
        make_password(secrets.token_urlsafe(16))
        super().send_account_already_exists_mail(email)

    def save_user(self, request, user, form, commit=True):
        # The name others see, asked at sign-up (actors.forms.SignupForm); optional.
        user.display_name = form.cleaned_data.get("display_name", "")
        return super().save_user(request, user, form, commit)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_log.warning(
                "login refused (too many failures): email=%s ip=%s",
                credentials.get("email", "").lower(),
                client_ip(request),
            )
            raise

    def authentication_failed(self, request, **credentials):
        email = credentials.get("email", "").lower()
        key = f"login-failures:{email}"
        # get + set rather than incr: the database cache's incr would reset the window to the
        # cache's default timeout. Two failures racing may count once; the limit itself is
        # allauth's rate limit, this only paces it.
        failures = cache.get(key, 0) + 1
        cache.set(key, failures, FAILURE_WINDOW)
        delay = login_failure_delay(failures)
        security_log.warning(
            "login failed: email=%s ip=%s failures=%d delay=%.2fs user_agent=%s",
            email,
            client_ip(request),
            failures,
            delay,
            request.META.get("HTTP_USER_AGENT", "")[:200] if request else "",
        )
        if delay:
            time.sleep(delay)
