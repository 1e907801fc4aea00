"""A pledge's expected results with their indicators, under /pledges/<id>/results/.

Whoever may see the pledge reads them (with the values of its public progress reports, as the
API shows only those); the lead's members write them (reviews.permissions.results_access)
through the services of the site's results page, which hold the rules.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from portal.api import ERRORS, AutoSchema, require
from reviews import permissions, services
from reviews.models import ExpectedResult, Pledge
from reviews.result_serializers import (
    ExpectedResultSerializer,
    ExpectedResultWriteSerializer,
    written_errors,
)


def results_prefetch() -> Prefetch:
    """A pledge's `results`, with the values of the public reports only (the API shows those)."""
    return Prefetch("results", queryset=ExpectedResult.objects.with_indicators(public=True))


PLEDGE_ID = OpenApiParameter(
    "pledge_id", int, OpenApiParameter.PATH, description=_("The id of the pledge.")
)
WRITE = ExpectedResultWriteSerializer


@extend_schema_view(
    list=extend_schema(
        description=_(
            "The pledge's expected results in their order, as its detail shows them (whoever "
            "may see the pledge)."
        ),
        responses={200: ExpectedResultSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        description=_("One of the pledge's expected results, with its indicators."),
        responses={200: ExpectedResultSerializer, **ERRORS},
    ),
    create=extend_schema(
        description=_(
            "Add an expected result with its indicators (the lead's members, while the pledge "
            "is a draft, returned or published)."
        ),
        request=WRITE,
        responses={201: ExpectedResultSerializer, **ERRORS},
    ),
    update=extend_schema(
        description=_(
            "Replace the result's statement and its indicators: one with an `id` is changed, one "
            "without is added, one left out is removed (not if a report gave values for it)."
        ),
        request=WRITE,
        responses={200: ExpectedResultSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        description=_("Remove the result and its indicators (not if a report gave values)."),
        responses={204: None, **ERRORS},
    ),
)
@extend_schema(parameters=[PLEDGE_ID])
class PledgeResultViewSet(viewsets.GenericViewSet):
    """Expected results of one pledge: a short list (twenty at most), shown whole."""

    serializer_class = ExpectedResultSerializer
    pagination_class = None
    filter_backends = []
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    schema = AutoSchema()

    def _pledge(self) -> Pledge:
        """The pledge of the address: to read, one the person may see; to write, one whose
        results they may set (else the answer require() gives)."""
        if not hasattr(self, "pledge"):
            pledges = Pledge.objects.select_related("lead")
            pledge = get_object_or_404(pledges, pk=self.kwargs["pledge_id"])
            if self.request.method in SAFE_METHODS:
                access, what = permissions.view_access(self.request.user, pledge), "pledge"
            else:
                access, what = permissions.results_access(self.request.user, pledge), "results"
            require(self.request, access, f"{what} of pledge {pledge.pk}")
            self.pledge = pledge
        return self.pledge

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's look at the view
            return ExpectedResult.objects.none()
        results = ExpectedResult.objects.filter(pledge=self._pledge())
        # A write reads the indicators again once the service holds the pledge's lock.
        if self.request.method in SAFE_METHODS:
            return results.with_indicators(public=True)
        return results

    def get_serializer_class(self):
        return WRITE if self.request.method in ("POST", "PUT") else ExpectedResultSerializer

    def _shown(self, result, status_code=status.HTTP_200_OK) -> Response:
        shown = ExpectedResult.objects.with_indicators(public=True).get(pk=result.pk)
        return Response(ExpectedResultSerializer(shown).data, status=status_code)

    def _save(self, result=None) -> ExpectedResult:
        serializer = WRITE(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        try:
            return services.result_save(
                pledge=self._pledge(),
                by=self.request.user,
                data=serializer.service_data(),
                result=result,
            )
        except services.InvalidResult as error:
            raise exceptions.ValidationError(written_errors(error.detail)) from error

    def list(self, request, *args, **kwargs):
        return Response(ExpectedResultSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(ExpectedResultSerializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        self._pledge()  # who may, before what they sent
        return self._shown(self._save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        return self._shown(self._save(self.get_object()))

    def destroy(self, request, *args, **kwargs):
        result = self.get_object()
        services.result_delete(pledge=self._pledge(), by=request.user, result=result)
        return Response(status=status.HTTP_204_NO_CONTENT)
