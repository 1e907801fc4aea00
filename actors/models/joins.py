"""Requests to join an organisation, decided by its focal points."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models.core import Actor, Membership, User


class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequest.Status.PENDING)

    def waiting_for(self, actor):
        """The requests the actor's focal points have to decide, with what they need to know who
        is asking: the person, and the other accredited organisations they act for (in
        `requester_memberships`, with role) — one query more however many requests there are."""
        return (
            self.pending()
            .filter(actor=actor)
            .select_related("user")
            .prefetch_related(
                models.Prefetch(
                    "user__memberships",
                    queryset=Membership.objects.filter(actor__status=Actor.Status.ACCREDITED)
                    .exclude(actor=actor)
                    .select_related("actor")
                    .order_by("actor__name"),
                    to_attr="requester_memberships",
                )
            )
        )


class JoinRequest(models.Model):
    """A user's request to act for an organisation, decided by its focal points."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    role = models.CharField(
        max_length=20,
        choices=Membership.Role.choices,
        blank=True,
        help_text=_("The role granted on approval."),
    )
    reason = models.TextField(max_length=2000, blank=True, help_text=_("Why it was refused."))
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "actor"],
                condition=Q(status="pending"),
                name="join_request_one_pending_per_actor",
                violation_error_message=_("You have already asked to join this organisation."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""),
                name="join_request_refusal_has_reason",
                violation_error_message=_("A refusal needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.actor} ({self.get_status_display()})"
