"""`Authorization: Token <key>` for the API, against hashed, revocable tokens."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.utils.translation import gettext
from rest_framework import authentication, exceptions

from actors.models import ApiToken


def _client_ip(request) -> str | None:
    ip = request.META.get("REMOTE_ADDR")
    if not ip:
        return None
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        return None  # e.g. a Unix socket: nothing worth storing
    return ip


class HashedTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            # Recorded at most once a minute, so reads do not write on every request.
            ApiToken.objects.record_use(result[1], ip=_client_ip(request))
        return result

    def authenticate_credentials(self, key):
        token = ApiToken.objects.authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(gettext("Invalid or revoked token."))
        return token.user, token
