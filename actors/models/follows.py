"""What people follow (a pledge, an objective, an organisation, a saved search of the pledge list),
and which new items each of them was already told of.

A follow names its target by a key, not a foreign key: the actors app builds nothing on the
reviews app, whose pledges and objectives most targets are (actors.follows resolves the keys).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The normalised query string of a saved search is ASCII (percent-encoded): far beyond any real
# selection of the pledge list, and inside what a PostgreSQL btree index entry may hold.
KEY_LENGTH = 1000


class FollowQuerySet(models.QuerySet):
    def of_targets(self, targets: dict[str, set[str]]):
        """The follows of any of `targets` ({kind: keys}), by active people."""
        condition = models.Q(pk__in=[])
        for kind, keys in targets.items():
            if keys:
                condition |= models.Q(kind=kind, key__in=sorted(keys))
        return self.filter(condition, user__is_active=True)


class Follow(models.Model):
    class Kind(models.TextChoices):
        PLEDGE = "pledge", _("Pledge")
        OBJECTIVE = "objective", _("Objective")
        ACTOR = "actor", _("Organisation")
        SEARCH = "search", _("Saved search")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(
        max_length=KEY_LENGTH,
        help_text=_(
            "The pledge's id, the objective's number, the organisation's slug, or the saved "
            "search's filters as a normalised query string."
        ),
    )
    label = models.CharField(max_length=300, help_text=_("What the person sees it called."))
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="follow_once"),
        ]
        # The delivery finds the followers of a target by its kind and key.
        indexes = [models.Index(fields=["kind", "key"], name="follow_target")]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.label}"


class FollowDelivery(models.Model):
    """A new item (`pledge:12`, `progress-update:34`, `withdrawal:12`) a person was told of as a
    follower; the unique pair is what keeps it to one notification (reviews.follows)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="follow_delivery_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.item}"
