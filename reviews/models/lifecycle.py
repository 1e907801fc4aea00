"""A pledge's statuses, the lifecycle's steps between them and their record, and the one meaning
of "public"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.models.append_only import AppendOnly, AppendOnlyQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ImplementationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


# What anyone may read (DESIGN §3): lists, the API, exports, statistics, search and feeds alike.
# A withdrawn pledge stays visible, marked, so that the record of what was promised is whole.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.WITHDRAWN)
PUBLIC_STATUS_CHOICES = [(status.value, status.label) for status in PUBLIC_STATUSES]
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
# A partner confirms or declines while the pledge is still being prepared or reviewed.
PARTNERSHIP_OPEN = (Status.DRAFT, Status.RETURNED, Status.SUBMITTED)

# The lifecycle of DESIGN §3: step → (the statuses it leaves from, the status it reaches).
TRANSITIONS = {
    "submit": (EDITABLE_STATUSES, Status.SUBMITTED),
    "publish": ((Status.SUBMITTED,), Status.PUBLISHED),
    "return": ((Status.SUBMITTED,), Status.RETURNED),
    "reject": ((Status.SUBMITTED,), Status.REJECTED),
    "withdraw": ((Status.PUBLISHED,), Status.WITHDRAWN),
}


def public_pledge_q(prefix: str = "") -> Q:
    """The condition of a public pledge; `prefix` reaches it through a relation ("pledge__")."""
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES})


class PledgeTransitionQuerySet(AppendOnlyQuerySet):
    refusal = "A pledge's history cannot be changed."


class PledgeTransition(AppendOnly):
    """One step of a pledge's life: who moved it, for which actor, from what to what, and why.

    Written once by the services; never changed or deleted. Hence PROTECT on every relation: a
    cascade would delete the history, SET_NULL would rewrite it, and the database refuses both.
    """

    refusal = "A pledge's history cannot be changed."

    pledge = models.ForeignKey(
        "reviews.Pledge", on_delete=models.PROTECT, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The organisation on whose behalf the step was taken (none for moderators)."),
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PledgeTransitionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.pledge_id}: {self.from_status} → {self.to_status}"
