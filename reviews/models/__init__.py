from reviews.models.citations import (
    DeclarationParagraphCitation,
    FrameworkIndicatorCitation,
    GuidingPrincipleCitation,
    MilestoneCitation,
    ObjectiveCitation,
    ReviewCycleCitation,
    RoundTableCitation,
)
from reviews.models.comments import Comment, Flag
from reviews.models.declaration import DeclarationParagraph, DeclarationParagraphObjective
from reviews.models.endorsements import Endorsement
from reviews.models.exports import ExportJob
from reviews.models.lifecycle import PledgeTransition
from reviews.models.moderation_log import ModerationLogEntry
from reviews.models.needs import Need, Offer
from reviews.models.partners import PledgePartner
from reviews.models.pledges import Pledge
from reviews.models.progress import ProgressUpdate
from reviews.models.questions import Answer, Question
from reviews.models.reference import (
    GuidingPrinciple,
    Milestone,
    Objective,
    ReviewCycle,
    RoundTable,
    RoundTableObjective,
)
from reviews.models.results import (
    ExpectedResult,
    FrameworkIndicator,
    Indicator,
    IndicatorActual,
)
from reviews.models.rounds import ReportingRound, RoundReminder

__all__ = [
    "Answer",
    "Comment",
    "DeclarationParagraph",
    "DeclarationParagraphCitation",
    "DeclarationParagraphObjective",
    "Endorsement",
    "ExpectedResult",
    "ExportJob",
    "Flag",
    "FrameworkIndicator",
    "FrameworkIndicatorCitation",
    "GuidingPrinciple",
    "GuidingPrincipleCitation",
    "Indicator",
    "IndicatorActual",
    "Milestone",
    "MilestoneCitation",
    "ModerationLogEntry",
    "Need",
    "Objective",
    "ObjectiveCitation",
    "Offer",
    "Pledge",
    "PledgePartner",
    "PledgeTransition",
    "ProgressUpdate",
    "Question",
    "ReportingRound",
    "ReviewCycle",
    "ReviewCycleCitation",
    "RoundReminder",
    "RoundTable",
    "RoundTableCitation",
    "RoundTableObjective",
]
