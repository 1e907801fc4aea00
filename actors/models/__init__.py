from actors.models.citations import ActorCitation, CoalitionCitation, CoalitionMembershipCitation
from actors.models.core import (
    MODERATORS_GROUP,
    Actor,
    Coalition,
    CoalitionMembership,
    Membership,
    Region,
    User,
    UserManager,
)
from actors.models.follows import Follow, FollowDelivery
from actors.models.joins import JoinRequest
from actors.models.mail import OutgoingEmail
from actors.models.notifications import Notification, NotificationPreference
from actors.models.sources import Citation, SourceDocument, SourcedQuerySet
from actors.models.tokens import ApiToken

__all__ = [
    "MODERATORS_GROUP",
    "Actor",
    "ActorCitation",
    "ApiToken",
    "Citation",
    "Coalition",
    "CoalitionCitation",
    "CoalitionMembership",
    "CoalitionMembershipCitation",
    "Follow",
    "FollowDelivery",
    "JoinRequest",
    "Membership",
    "Notification",
    "NotificationPreference",
    "OutgoingEmail",
    "Region",
    "SourceDocument",
    "SourcedQuerySet",
    "User",
    "UserManager",
]
