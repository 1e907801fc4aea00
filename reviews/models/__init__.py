from reviews.models.comments import Comment, Flag, ModerationLogEntry
from reviews.models.lifecycle import PledgeTransition
from reviews.models.pledges import Pledge, PledgePartner
from reviews.models.progress import ProgressUpdate
from reviews.models.reference import (
    DeclarationParagraph,
    GuidingPrinciple,
    Milestone,
    Objective,
    ReviewCycle,
    RoundTable,
    RoundTableObjective,
)

__all__ = [
    "Comment",
    "DeclarationParagraph",
    "Flag",
    "GuidingPrinciple",
    "Milestone",
    "ModerationLogEntry",
    "Objective",
    "Pledge",
    "PledgePartner",
    "PledgeTransition",
    "ProgressUpdate",
    "ReviewCycle",
    "RoundTable",
    "RoundTableObjective",
]
