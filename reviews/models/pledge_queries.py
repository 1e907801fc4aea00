"""The pledges' querysets: what is public, what one may act on, and what the lists read."""

from django.db import models
from django.db.models import Q

from reviews.models import freshness as reporting
from reviews.models.freshness import Freshness
from reviews.models.lifecycle import Status, public_pledge_q

# The stored search vectors (reviews.search): written by the database, never read as fields.
SEARCH_COLUMNS = ("search_vector", "search_title", "search_head")


class PledgeQuerySet(models.QuerySet):
    def public(self):
        """What anyone may read: published pledges, and withdrawn ones (marked as such).

        The one visible set of lists, the API, exports and statistics alike.
        """
        return self.filter(public_pledge_q())

    def answerable(self):
        """Pledges one may act on: a matching pledge answers one, progress is reported on one.

        The published ones only; a rule for writing. What anyone may read is `public()`.
        """
        return self.filter(status=Status.PUBLISHED)

    def public_or_involving(self, actor_ids):
        """Public pledges, plus those the organisations lead or are named partners of."""
        partner_of = self.model.partners.through.objects.filter(
            pledge_id=models.OuterRef("pk"), actor_id__in=actor_ids
        )
        return self.filter(public_pledge_q() | Q(lead_id__in=actor_ids) | models.Exists(partner_of))

    def with_freshness(self, now=None):
        """Annotate `freshness`: green, amber or red for published pledges, NULL for others."""
        return self.annotate(freshness=reporting.annotation(now))

    def freshness(self, colour: str, now=None):
        """Published pledges of this colour (no other status has a freshness)."""
        return self.filter(reporting.conditions(now)[Freshness(colour)])

    def moderation_queue(self):
        """Submitted pledges, oldest first."""
        return (
            self.filter(status=Status.SUBMITTED)
            .select_related("lead", "primary_objective")
            .prefetch_related(
                models.Prefetch(
                    "partnerships",
                    queryset=self.model.partners.through.objects.select_related("actor"),
                )
            )
            .defer("description", *SEARCH_COLUMNS, "lead__description")
            .order_by("submitted_at", "pk")
        )

    def for_list(self):
        """What a list shows, without the wide columns."""
        return (
            self.select_related("lead", "cycle", "primary_objective")
            .prefetch_related("objectives")
            .defer("description", *SEARCH_COLUMNS, "lead__description", "cycle__description")
        )
