"""The API under /api/v1/, its OpenAPI schema and its documentation (no CDN: sidecar assets)."""

from django.conf import settings
from django.urls import include, path, re_path
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from actors.api import CoalitionViewSet
from portal.api import not_found
from reviews.api import (
    CommentViewSet,
    CycleViewSet,
    DeclarationParagraphViewSet,
    EndorsementViewSet,
    ObjectiveViewSet,
    PledgeResultViewSet,
    PledgeViewSet,
    PrincipleViewSet,
    ProgressUpdateViewSet,
    QuestionViewSet,
    stats_views,
)
from reviews.api.actors import ActorWithResponsivenessViewSet
from reviews.api.needs import NeedViewSet
from reviews.api.rounds import RoundViewSet
from reviews.api.search import SearchView
from reviews.api.spreadsheets import PledgeSpreadsheetViewSet


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in the portal's default language (English) unless `?lang=` asks for
    another: its descriptions, the labels of its enums among them, are the same for every client
    whatever its Accept-Language, so that a client generated from it or a copy compared with it
    does not change with the reader."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return super().dispatch(request, *args, **kwargs)


router = DefaultRouter()
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("principles", PrincipleViewSet, basename="principle")
router.register("cycles", CycleViewSet, basename="cycle")
router.register(
    "declaration-paragraphs", DeclarationParagraphViewSet, basename="declaration-paragraph"
)
# The actors app's viewset, with each organisation's responsiveness to questions (reviews).
router.register("actors", ActorWithResponsivenessViewSet, basename="actor")
router.register("coalitions", CoalitionViewSet, basename="coalition")
# Before "pledges": its detail route would take "spreadsheet" for an id.
router.register("pledges/spreadsheet", PledgeSpreadsheetViewSet, basename="pledge-spreadsheet")
router.register("pledges", PledgeViewSet, basename="pledge")
# A pledge's own: /pledges/<pledge_id>/results/ and /pledges/<pledge_id>/results/<id>/.
router.register(
    r"pledges/(?P<pledge_id>[0-9]+)/results", PledgeResultViewSet, basename="pledge-result"
)
router.register("progress-updates", ProgressUpdateViewSet, basename="progress-update")
router.register("comments", CommentViewSet, basename="comment")
router.register("questions", QuestionViewSet, basename="question")
router.register("endorsements", EndorsementViewSet, basename="endorsement")
router.register("rounds", RoundViewSet, basename="round")
router.register("needs", NeedViewSet, basename="need")

stats_patterns = [
    path(f"{name}/", view, name=f"stats-{name}") for name, view in stats_views().items()
]

app_name = "api"

urlpatterns = [
    path("v1/search/", SearchView.as_view(), name="search"),
    path("v1/", include(router.urls)),
    path("v1/stats/", include(stats_patterns)),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The split view serves its start-up script from /api/docs/?script: the page's content
    # security policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other address under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<path>(?s:.*))$", not_found, name="not-found"),
]
