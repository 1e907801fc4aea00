from reviews.models.pledges import (
    Pledge,
    PledgePartner,
    PledgeTransition,
    ProgressUpdate,
)
from reviews.models.reference import (
    DeclarationParagraph,
    GuidingPrinciple,
    Milestone,
    Objective,
    ReviewCycle,
    RoundTable,
    RoundTableObjective,
    Sourced,
    SourceDocument,
)

__all__ = [
    "DeclarationParagraph",
    "GuidingPrinciple",
    "Milestone",
    "Objective",
    "Pledge",
    "PledgePartner",
    "PledgeTransition",
    "ProgressUpdate",
    "ReviewCycle",
    "RoundTable",
    "RoundTableObjective",
    "SourceDocument",
    "Sourced",
]
