from actors.models.core import (
    Actor,
    Coalition,
    CoalitionMembership,
    JoinRequest,
    Membership,
    Region,
    User,
    UserManager,
)
from actors.models.notifications import Notification, NotificationPreference
from actors.models.tokens import ApiToken

__all__ = [
    "Actor",
    "ApiToken",
    "Coalition",
    "CoalitionMembership",
    "JoinRequest",
    "Membership",
    "Notification",
    "NotificationPreference",
    "Region",
    "User",
    "UserManager",
]
