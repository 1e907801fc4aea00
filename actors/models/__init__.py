from actors.models.core import (
    MODERATORS_GROUP,
    Actor,
    Coalition,
    CoalitionMembership,
    JoinRequest,
    Membership,
    Region,
    User,
    UserManager,
)
from actors.models.mail import OutgoingEmail
from actors.models.notifications import Notification, NotificationPreference
from actors.models.sources import Sourced, SourceDocument
from actors.models.tokens import ApiToken

__all__ = [
    "MODERATORS_GROUP",
    "Actor",
    "ApiToken",
    "Coalition",
    "CoalitionMembership",
    "JoinRequest",
    "Membership",
    "Notification",
    "NotificationPreference",
    "OutgoingEmail",
    "Region",
    "SourceDocument",
    "Sourced",
    "User",
    "UserManager",
]
