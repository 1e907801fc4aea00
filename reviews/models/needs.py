"""Needs: what support an organisation seeks against GCM objectives and countries, and the
offers and matching pledges that answer it.

A need is published at once by a contributor or focal point of its organisation (no review
before: moderators hide what should not be there, as they hide comments, and the moderation log
keeps it). It is open until its organisation marks it met or closes it (withdraws it). Other
organisations answer with an offer (a few words of what they offer) or with a matching pledge
that references it (Pledge.answers_need), shown once that pledge is public. Who may do what is
reviews.permissions'; the writes are reviews.services.needs'.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.addresses import address
from reviews.models.content_language import written_in
from reviews.models.pledges import Pledge

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
OFFER_MAX = 3000
# The kinds of support a need seeks are those a pledge offers (Pledge.Support).
Support = Pledge.Support
SUPPORT_MAX_LENGTH = sum(len(value) + 1 for value in Support.values)


def support_list(value) -> list[str]:
    """The kinds of support stored as "financial,technical" (as the multiple country field
    stores its codes), in the order of the choices; unknown values are dropped."""
    chosen = set(value.split(",")) if isinstance(value, str) else set(value or ())
    return [choice for choice in Support.values if choice in chosen]


def support_text(values) -> str:
    """What support_list() reads back, written in the choices' order."""
    return ",".join(support_list(values))


def public_need_q(prefix: str = "") -> Q:
    """The condition of a need anyone may read: open or met, not hidden (a closed need was
    withdrawn by its organisation)."""
    return Q(**{f"{prefix}is_hidden": False, f"{prefix}status__in": Need.PUBLIC_STATUSES})


class NeedQuerySet(models.QuerySet):
    def public(self):
        """What anyone may read, on the board, the API, the search and the exports alike."""
        return self.filter(public_need_q())

    def open(self):
        return self.filter(status=Need.Status.OPEN, is_hidden=False)

    def for_list(self):
        """What a card of the board shows: the organisation and the cycle joined, the objectives
        prefetched, the long description left out."""
        return (
            self.select_related("actor", "cycle")
            .prefetch_related("objectives")
            .defer("description")
        )

    def for_page(self):
        return self.select_related("actor", "cycle", "created_by").prefetch_related("objectives")

    def hidden(self):
        return self.filter(is_hidden=True).order_by(
            models.F("hidden_at").desc(nulls_last=True), "-pk"
        )


class OfferQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def with_actor(self):
        return self.select_related("actor", "created_by")


class Need(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("state of a need", "Open")
        MET = "met", pgettext_lazy("state of a need", "Met")
        CLOSED = "closed", pgettext_lazy("state of a need", "Closed")

    # What the public reads (and filters by): a closed need is withdrawn, gone from the board.
    PUBLIC_STATUSES = (Status.OPEN, Status.MET)
    Support = Support

    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("organisation"),
        help_text=_("The organisation that seeks support."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    objectives = models.ManyToManyField(
        "reviews.Objective", related_name="needs", verbose_name=_("objectives")
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    # Pledge.Support values, "financial,technical": stored as the country list is.
    support = models.CharField(
        _("support sought"),
        max_length=SUPPORT_MAX_LENGTH,
        help_text=_("The kinds of support sought."),
    )
    cycle = models.ForeignKey(
        "reviews.ReviewCycle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("review cycle"),
    )
    language = written_in()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    met_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The board: open (or met) needs not hidden, newest first.
            models.Index(fields=["status", "is_hidden", "-created_at", "-id"], name="need_board"),
            models.Index(fields=["actor", "status"], name="need_actor_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="met") | Q(met_at__isnull=False),
                name="need_met_has_time",
                violation_error_message=_("A met need records when it was met."),
            ),
            models.CheckConstraint(
                condition=~Q(support=""),
                name="need_seeks_support",
                violation_error_message=_("Choose at least one kind of support."),
            ),
        ]

    def __str__(self):
        return self.title or gettext("Need %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return address("reviews:need-detail", self.pk)

    @property
    def quoted_as(self) -> str:
        return f"need:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_public(self) -> bool:
        return not self.is_hidden and self.status in self.PUBLIC_STATUSES

    @property
    def support_values(self) -> list[str]:
        return support_list(self.support)

    @property
    def support_labels(self) -> list[str]:
        return [str(Support(value).label) for value in self.support_values]

    def clean(self):
        self.support = support_text(self.support)
        if not self.support:
            raise ValidationError({"support": gettext("Choose at least one kind of support.")})


class Offer(models.Model):
    """Another organisation's answer to a need: what it offers, in a few words."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="offers")
    actor = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("organisation"),
        help_text=_("The organisation that offers."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("what you offer"), max_length=OFFER_MAX)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["need", "created_at"], name="offer_need")]

    def __str__(self):
        return gettext("Offer %(number)s by %(actor)s") % {"number": self.pk, "actor": self.actor}

    def get_absolute_url(self) -> str:
        return f"{address('reviews:need-detail', self.need_id)}#offer-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def clean(self):
        if self.need_id and self.actor_id == self.need.actor_id:
            raise ValidationError(
                {"actor": gettext("An organisation does not offer to meet its own need.")}
            )
