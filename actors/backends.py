"""The authentication backends, loading the signed-in person with their roles in one query.

Django reads the person of a signed-in request through the backend that signed them in
(`get_user`); these are Django's and allauth's own backends, with the person read by
`actors.permissions.with_roles`, so that the roles, the unread count and the memberships every
page and API request asks for come with the user row instead of two more queries.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from actors.models import User
from actors.permissions import take_roles, with_roles


class RolesMixin:
    def get_user(self, user_id):
        try:
            user = with_roles(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        take_roles(user, user)
        return user if self.user_can_authenticate(user) else None


class PortalModelBackend(RolesMixin, ModelBackend):
    """Django's ModelBackend (sign-in by e-mail and password where allauth is not in the way)."""


class PortalAuthenticationBackend(RolesMixin, AuthenticationBackend):
    """allauth's backend (the sign-in pages)."""
