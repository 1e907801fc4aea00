"""The reviews API, one module per topic: reference data, pledges, their results, comments,
endorsements, questions, statistics (and the actor object with its responsiveness)."""

from reviews.api.comments import CommentViewSet
from reviews.api.endorsements import EndorsementViewSet
from reviews.api.pledges import PledgeViewSet, ProgressUpdateViewSet
from reviews.api.questions import QuestionViewSet
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
    "EndorsementViewSet",
    "ObjectiveViewSet",
    "PledgeResultViewSet",
    "PledgeViewSet",
    "PrincipleViewSet",
    "ProgressUpdateViewSet",
    "QuestionViewSet",
    "stats_views",
]
