"""The partner organisations of a joint pledge, which their focal points confirm or decline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reviews.models.pledges import Pledge


class PledgePartner(models.Model):
    """A partner organisation of a joint pledge, which its focal points confirm or decline."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="partnerships")
    actor = models.ForeignKey(
        "actors.Actor", on_delete=models.PROTECT, related_name="pledge_partnerships"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "actor"], name="pledge_partner_once"),
        ]

    def __str__(self):
        return gettext("%(actor)s – partner of %(pledge)s (%(status)s)") % {
            "actor": self.actor,
            "pledge": self.pledge,
            "status": self.get_status_display(),
        }
