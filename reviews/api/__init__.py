"""The reviews API, one module per topic: reference data, pledges, their results, comments,
statistics."""

from reviews.api.comments import CommentViewSet
from reviews.api.pledges import PledgeViewSet, ProgressUpdateViewSet
from reviews.api.reference import (
    CycleViewSet,
    DeclarationParagraphViewSet,
    ObjectiveViewSet,
    PrincipleViewSet,
)
from reviews.api.results import PledgeResultViewSet
from reviews.api.stats import stats_views

__all__ = [
    "CommentViewSet",
    "CycleViewSet",
    "DeclarationParagraphViewSet",
    "ObjectiveViewSet",
    "PledgeResultViewSet",
    "PledgeViewSet",
    "PrincipleViewSet",
    "ProgressUpdateViewSet",
    "stats_views",
]
