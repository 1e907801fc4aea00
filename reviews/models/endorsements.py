"""Endorsements: an organisation says it supports another's public pledge, and may offer to
partner on it. Withdrawing one keeps its row (the record of who supported what, and when)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.addresses import address
from reviews.models.flagging import count_of
from reviews.models.lifecycle import public_pledge_q
from reviews.models.partners import PledgePartner

NOTE_MAX = 1000


def named_on(pledge) -> set[int]:
    """The organisations a pledge names as its own: its lead and its partners, but not those
    that declined. They speak for the pledge already; an endorsement is another's support.
    Reads `pledge.partnerships.all()` (prefetched by the pledge page and the API)."""
    partners = {
        p.actor_id for p in pledge.partnerships.all() if p.status != PledgePartner.Status.DECLINED
    }
    return {pledge.lead_id} | partners


class EndorsementQuerySet(models.QuerySet):
    def active(self):
        """Endorsements that still stand (not withdrawn)."""
        return self.filter(withdrawn_at__isnull=True)

    def public(self):
        """What anyone may read: the active endorsements of public pledges (a withdrawn pledge
        keeps the list it had)."""
        return self.active().filter(public_pledge_q("pledge__"))


def active_count():
    """How many active endorsements the pledge of the outer query has (0 when none): a
    subquery per row, so that a paginated list or an export never groups the whole table. The
    pledge page, the API and the exports all count with it, so their numbers agree."""
    return count_of(Endorsement.objects.active().filter(pledge=OuterRef("pk")), "pledge")


class Endorsement(models.Model):
    pledge = models.ForeignKey(
        "reviews.Pledge", on_delete=models.CASCADE, related_name="endorsements"
    )
    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="endorsements",
        help_text=_("The organisation that endorses the pledge."),
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="endorsements",
        help_text=_("The member who endorsed it on the organisation's behalf."),
    )
    offers_partnership = models.BooleanField(
        _("offers to partner"),
        default=False,
        help_text=_("The organisation offers to become a partner of the pledge."),
    )
    note = models.CharField(
        max_length=NOTE_MAX, blank=True, help_text=_("Plain text, shown with the endorsement.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One that stands per organisation and pledge; withdrawn ones stay beside it.
            models.UniqueConstraint(
                fields=["pledge", "actor"],
                condition=Q(withdrawn_at__isnull=True),
                name="endorsement_active_once",
                violation_error_message=_("This organisation already endorses this pledge."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_by__isnull=True) | Q(withdrawn_at__isnull=False),
                name="endorsement_withdrawn_by_when_withdrawn",
            ),
        ]

    def __str__(self):
        return gettext("%(actor)s endorses %(pledge)s") % {
            "actor": self.actor,
            "pledge": self.pledge,
        }

    def get_absolute_url(self) -> str:
        return f"{address('reviews:pledge-detail', self.pledge_id)}#endorsement-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def clean(self):
        if self.pledge_id and self.actor_id and self.actor_id in named_on(self.pledge):
            raise ValidationError(
                {
                    "actor": gettext(
                        "An organisation does not endorse a pledge it leads or is a partner of."
                    )
                }
            )
