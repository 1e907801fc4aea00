from actors.acting import acting_membership, memberships
from actors.permissions import holds_oversight_role, unread_notifications


def acting_for(request):
    """The organisations the signed-in person belongs to, and on whose behalf they now act."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_memberships": memberships(request),
        "acting_membership": acting_membership(request),
        "user_oversees": holds_oversight_role(user),
        "unread_notifications": unread_notifications(user),
    }
