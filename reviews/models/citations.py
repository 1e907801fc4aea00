"""The citations of the curated reference records (see ``actors.models.sources.Citation``)."""

from django.db import models

from actors.models import Citation
from reviews.models.declaration import DeclarationParagraph
from reviews.models.reference import (
    GuidingPrinciple,
    Milestone,
    Objective,
    ReviewCycle,
    RoundTable,
)
from reviews.models.results import FrameworkIndicator


class ObjectiveCitation(Citation):
    record = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="citations")


class GuidingPrincipleCitation(Citation):
    record = models.ForeignKey(GuidingPrinciple, on_delete=models.CASCADE, related_name="citations")


class ReviewCycleCitation(Citation):
    record = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="citations")


class RoundTableCitation(Citation):
    record = models.ForeignKey(RoundTable, on_delete=models.CASCADE, related_name="citations")


class DeclarationParagraphCitation(Citation):
    record = models.ForeignKey(
        DeclarationParagraph, on_delete=models.CASCADE, related_name="citations"
    )


class MilestoneCitation(Citation):
    record = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="citations")


class FrameworkIndicatorCitation(Citation):
    record = models.ForeignKey(
        FrameworkIndicator, on_delete=models.CASCADE, related_name="citations"
    )
