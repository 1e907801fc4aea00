from django.urls import path, re_path

from actors.views import accounts, directory, follows, organisations

app_name = "actors"

urlpatterns = [
    path("actors/", directory.actor_list, name="actor-list"),
    path("actors/<slug:slug>/", directory.actor_detail, name="actor-detail"),
    path("actors/<slug:slug>/join/", organisations.join, name="join"),
    path("actors/<slug:slug>/requests/", organisations.requests, name="join-requests"),
    re_path(
        r"^actors/(?P<slug>[-\w]+)/requests/(?P<pk>[0-9]+)/(?P<decision>approve|refuse)/$",
        organisations.decide,
        name="join-request-decide",
    ),
    path("actors/<slug:slug>/edit/", organisations.edit_profile, name="edit"),
    path("actors/<slug:slug>/members/", organisations.members, name="members"),
    re_path(
        r"^actors/(?P<slug>[-\w]+)/members/(?P<pk>[0-9]+)/(?P<action>role|remove)/$",
        organisations.member_update,
        name="member-update",
    ),
    path("coalitions/", directory.coalition_list, name="coalition-list"),
    path("coalitions/<slug:slug>/", directory.coalition_detail, name="coalition-detail"),
    path("accounts/organisations/", accounts.my_organisations, name="my-organisations"),
    path("accounts/organisations/propose/", accounts.propose_organisation, name="propose"),
    path("accounts/acting-for/", accounts.acting_for, name="acting-for"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/security/", accounts.security, name="security"),
    path("accounts/delete/", accounts.delete_account, name="delete-account"),
    path("accounts/notifications/", accounts.notifications, name="notifications"),
    path("accounts/tokens/", accounts.api_tokens, name="api-tokens"),
    path("accounts/following/", follows.following, name="following"),
    path("accounts/following/follow/", follows.follow, name="follow"),
    path("accounts/following/<int:pk>/unfollow/", follows.unfollow, name="unfollow"),
    path(
        "accounts/notifications/settings/",
        accounts.notification_settings,
        name="notification-settings",
    ),
]
