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

__all__ = [
    "Actor",
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
