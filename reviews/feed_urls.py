"""The Atom feeds (reviews.feeds), under /feeds/: read only, GET and HEAD."""

from django.urls import path
from django.views.decorators.http import require_safe

from reviews import feeds

app_name = "feeds"

urlpatterns = [
    path("pledges/", require_safe(feeds.PledgeFeed()), name="pledges"),
    path("progress/", require_safe(feeds.ProgressFeed()), name="progress"),
    path("objectives/<int:number>/", require_safe(feeds.ObjectiveFeed()), name="objective"),
    path("actors/<slug:slug>/", require_safe(feeds.ActorFeed()), name="actor"),
    path("countries/<str:code>/", require_safe(feeds.CountryFeed()), name="country"),
]
