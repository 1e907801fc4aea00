"""Pledges with their lifecycle, and progress reports.

Views are thin: the querysets, FilterSets, permission predicates and services are the HTML
site's own.
"""

import hashlib

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from actors.models import Actor
from actors.permissions import Access
from portal.api import ERRORS, AutoSchema, CursorPagination, require
from reviews import permissions, search, services, stats
from reviews.api import pledge_rows
from reviews.api.results import results_prefetch
from reviews.filters import PledgeSearchFilter, ProgressUpdateFilter
from reviews.models import (
    Pledge,
    PledgePartner,
    ProgressUpdate,
)
from reviews.models.endorsements import active_count
from reviews.serializers import (
    OptionalReasonSerializer,
    PledgeDetailSerializer,
    PledgeSerializer,
    PledgeWriteSerializer,
    ProgressUpdateSerializer,
    ProgressUpdateWriteSerializer,
    ReasonSerializer,
)
from reviews.stats import FRESHNESS_SECONDS

# The list's `sort` (validated by PledgeFilter; one entry per PLEDGE_SORTS) as a cursor's order.
# A cursor needs a value in every row, and a member's drafts have no publication date: the
# publication sorts go by `listed_at`, the publication date or, for a draft, the creation date.
CURSOR_SORTS = {
    "newest": ("-listed_at", "-pk"),
    "oldest": ("listed_at", "pk"),
    "title": ("title", "pk"),
    "updated": ("-updated_at", "-pk"),
}


class PledgeCursorPagination(CursorPagination):
    """The cursor in the order `sort` names (as on the pledge list); `ordering` wins if given.
    With words (`search` or `q`) and neither, the best matches come first, as on the list."""

    def _ranks(self, request) -> str:
        params = request.query_params
        if params.get("sort") or params.get("ordering"):
            return ""
        return PledgeSearchFilter.words_of(params)

    def paginate_queryset(self, queryset, request, view=None):
        if words := self._ranks(request):
            queryset = search.ranked(queryset, words)
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request, queryset, view):
        sort = request.query_params.get("sort")
        if sort in CURSOR_SORTS and not request.query_params.get("ordering"):
            return CURSOR_SORTS[sort]
        if self._ranks(request):
            return (f"-{search.RANK}", "-pk")
        return super().get_ordering(request, queryset, view)


def _update_prefetches(updates):
    """Progress updates as ProgressUpdateSerializer shows them: the values they gave (all of a
    public update's are public) too."""
    return updates.select_related("actor", "author").prefetch_related("actuals")


def _pledge_prefetches(queryset):
    partners = PledgePartner.objects.select_related("actor")
    return queryset.prefetch_related("principles", Prefetch("partnerships", queryset=partners))


@extend_schema_view(
    list=extend_schema(
        description=(
            "Pledges you may see, filtered with the pledge list's parameters. Anonymously that is "
            "the public set of the pledge list, the exports and the statistics: published pledges "
            "and withdrawn ones (which stay visible, with `status` `withdrawn`); `status` chooses "
            "one of them. Signed in, the pledges of your organisations (all pledges, for "
            "moderators with two-factor authentication) are added in every state, "
            "and `status` accepts any status (`draft`, `submitted`, `returned`, `rejected` too). "
            "`freshness` is about reporting, which only published pledges have: it leaves the "
            "others out."
        )
    ),
    create=extend_schema(responses={201: PledgeDetailSerializer, **ERRORS}),
    partial_update=extend_schema(responses={200: PledgeDetailSerializer, **ERRORS}),
)
class PledgeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = PledgeSearchFilter
    pagination_class = PledgeCursorPagination
    # Not published_at: drafts have none, and a cursor cannot point between empty values.
    ordering_fields = ["updated_at", "title", "pk"]
    ordering = ["-pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    schema = AutoSchema()

    def get_queryset(self):
        if self.action == "list":
            # Read as values by list(): no model instances, no prefetches.
            pledges = permissions.visible_pledges(self.request.user)
            if self.request.query_params.get("sort") in ("newest", "oldest"):
                pledges = pledges.annotate(listed_at=Coalesce("published_at", "created_at"))
            return pledges
        # One pledge: found by id, then each action's permission predicate decides, as on the
        # web site (a moderator without MFA learns to set it up; a hidden pledge is a 404).
        updates = _update_prefetches(ProgressUpdate.objects.public())
        return (
            _pledge_prefetches(Pledge.objects.select_related("lead", "cycle", "primary_objective"))
            .prefetch_related(
                "objectives", results_prefetch(), Prefetch("progress_updates", queryset=updates)
            )
            .annotate(endorsement_count=active_count())
        )

    def get_object(self):
        pledge = super().get_object()
        if self.action == "retrieve":
            access = permissions.view_access(self.request.user, pledge)
            require(self.request, access, f"pledge {pledge.pk}")
        return pledge

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return PledgeWriteSerializer
        if self.action == "list":
            return PledgeSerializer
        return PledgeDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def list(self, request, *args, **kwargs):
        """PledgeSerializer's shape (the schema's), written from values: the page is chosen by
        a query of ids and cursor positions, its rows read by one query (pledge_rows).

        Anonymously every reader sees the same public page for the same address: it is kept
        as the statistics are (stats.remembered: until a write to what it shows commits, and a
        minute at most, as its freshness colours move with the clock). Throttling, filter
        errors and bad cursors happen before, or raise and keep nothing."""
        if request.user.is_authenticated:
            return Response(self._page(request))
        address = request.build_absolute_uri()
        key = f"api-pledges:{get_language()}:{hashlib.sha256(address.encode()).hexdigest()}"
        return Response(stats.remembered(key, lambda: self._page(request), FRESHNESS_SECONDS))

    def _page(self, request) -> dict:
        pledges = self.filter_queryset(self.get_queryset())
        cursor_fields = [name for name in ("listed_at",) if name in pledges.query.annotations]
        page = self.paginate_queryset(pledge_rows.positions(pledges, cursor_fields))
        rows = pledge_rows.rows_of(page, pledges.db)
        items = pledge_rows.render(rows, request, timezone.now(), self.format_kwarg)
        return self.get_paginated_response(items).data

    def _detail(self, pledge, status_code=status.HTTP_200_OK):
        pledge = self.get_queryset().get(pk=pledge.pk)
        return Response(
            PledgeDetailSerializer(pledge, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def create(self, request, *args, **kwargs):
        serializer = PledgeWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        lead = data.pop("lead")
        data.pop("version", None)
        require(request, permissions.create_access(request.user, lead), "create pledge")
        pledge = services.pledge_create(lead=lead, by=request.user, data=data)
        return self._detail(pledge, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        pledge = self.get_object()
        require(request, permissions.edit_access(request.user, pledge), "edit pledge")
        serializer = PledgeWriteSerializer(
            pledge, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("lead", None)
        version = data.pop("version")
        pledge = services.pledge_update(pledge=pledge, by=request.user, version=version, data=data)
        return self._detail(pledge)

    def _step(self, request, step, reason_serializer=OptionalReasonSerializer):
        require(request, permissions.step_gate(request.user, step), f"{step} pledge")
        pledge = self.get_object()
        access = permissions.transition_access(request.user, pledge, step)
        require(request, access, f"{step} pledge")
        reason = reason_serializer(data=request.data)
        reason.is_valid(raise_exception=True)
        services.pledge_step(
            pledge=pledge, step=step, by=request.user, reason=reason.validated_data["reason"]
        )
        return self._detail(pledge)

    @extend_schema(request=None, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a complete draft for review (the lead's focal points)."""
        return self._step(request, "submit")

    @extend_schema(request=ReasonSerializer, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a published pledge, with a reason (the lead's focal points)."""
        return self._step(request, "withdraw", ReasonSerializer)

    @extend_schema(request=None, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a submitted pledge (moderators)."""
        return self._step(request, "publish")

    @extend_schema(request=ReasonSerializer, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return a submitted pledge for changes, with a reason (moderators)."""
        return self._step(request, "return", ReasonSerializer)

    @extend_schema(request=ReasonSerializer, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a submitted pledge, with a reason (moderators)."""
        return self._step(request, "reject", ReasonSerializer)


@extend_schema_view(
    create=extend_schema(
        description=_(
            "Report progress on a published pledge (the lead's members, and those of a confirmed "
            "partner for it), with the values its indicators reached (`actuals`)."
        ),
        responses={201: ProgressUpdateSerializer, **ERRORS},
    )
)
class ProgressUpdateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Progress reports on published pledges."""

    ordering = ["-pk"]
    ordering_fields = ["date", "created_at", "pk"]
    filterset_class = ProgressUpdateFilter
    schema = AutoSchema()

    def get_queryset(self):
        return _update_prefetches(ProgressUpdate.objects.public())

    def get_serializer_class(self):
        return (
            ProgressUpdateWriteSerializer if self.action == "create" else ProgressUpdateSerializer
        )

    def create(self, request, *args, **kwargs):
        serializer = ProgressUpdateWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pledge = serializer.validated_data["pledge"]
        require(request, permissions.progress_access(request.user, pledge), "report progress")
        allowed = permissions.progress_actor_ids(request.user, pledge)
        actor = serializer.validated_data.get("actor")
        if actor is None or actor.pk not in allowed:
            if actor is not None:
                require(request, Access.FORBIDDEN, "report for that organisation")
            actor = Actor.objects.get(
                pk=pledge.lead_id if pledge.lead_id in allowed else allowed[0]
            )
        try:
            update = services.progress_update_create(
                pledge=pledge,
                by=request.user,
                actor=actor,
                date=serializer.validated_data.get("date") or timezone.localdate(),
                stage=serializer.validated_data["stage"],
                narrative=serializer.validated_data["narrative"],
                language=serializer.validated_data.get("language", ""),
                actuals=serializer.validated_data.get("actuals", []),
            )
        except services.InvalidActuals as error:
            raise exceptions.ValidationError({"actuals": error.detail}) from error
        return Response(ProgressUpdateSerializer(update).data, status=status.HTTP_201_CREATED)
