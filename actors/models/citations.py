"""The citations of the curated actors, coalitions and memberships (see ``Citation``)."""

from django.db import models

from actors.models.core import Actor, Coalition, CoalitionMembership
from actors.models.sources import Citation


class ActorCitation(Citation):
    record = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="citations")


class CoalitionCitation(Citation):
    record = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="citations")


class CoalitionMembershipCitation(Citation):
    record = models.ForeignKey(
        CoalitionMembership, on_delete=models.CASCADE, related_name="citations"
    )
