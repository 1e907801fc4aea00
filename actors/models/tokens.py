"""API tokens: named, shown once, stored only as a hash, revocable."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX_LENGTH = 8
USE_RECORDED_EVERY = timedelta(seconds=60)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def create_for(self, *, user, name: str) -> tuple["ApiToken", str]:
        """Make a token; the returned key is the only time it is ever seen."""
        key = secrets.token_urlsafe(32)
        token = self.create(
            user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key)
        )
        return token, key

    def authenticate(self, key: str):
        return self.active().select_related("user").filter(key_hash=hash_key(key)).first()

    def record_use(self, token: "ApiToken", *, ip: str | None) -> bool:
        """Note when and from where a token was used, at most once a minute: one conditional
        UPDATE, skipped when the token in hand was used in the last minute. Returns whether it
        wrote."""
        now = timezone.now()
        stale = now - USE_RECORDED_EVERY
        if token.last_used_at is not None and token.last_used_at > stale:
            return False
        written = (
            self.filter(pk=token.pk)
            .filter(models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=stale))
            .update(last_used_at=now, last_used_ip=ip)
        )
        return bool(written)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text=_("What it is for, e.g. “ministry IT system”.")
    )
    prefix = models.CharField(
        max_length=PREFIX_LENGTH, help_text=_("The first characters, to recognise it.")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(
        null=True, blank=True, help_text=_("Where it was last used from.")
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
