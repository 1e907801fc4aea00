from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = _("Actors and coalitions")

    def ready(self):
        # allauth announces credential changes only through signals; each one ends the
        # person's other sessions, and a new password also revokes their API tokens.
        from allauth.account.signals import password_changed, password_reset, password_set
        from allauth.mfa.signals import (
            authenticator_added,
            authenticator_removed,
            authenticator_reset,
        )
        from django.contrib.auth.signals import user_logged_in

        from actors import receivers

        user_logged_in.connect(receivers.session_started, dispatch_uid="portal-session-started")

        for signal in (password_changed, password_reset, password_set):
            signal.connect(receivers.revoke_credentials, dispatch_uid=f"revoke-{id(signal)}")
        for signal in (
            authenticator_added,
            authenticator_removed,
            authenticator_reset,
        ):
            signal.connect(receivers.end_other_sessions, dispatch_uid=f"end-sessions-{id(signal)}")
