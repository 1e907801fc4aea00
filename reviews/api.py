"""The reviews API: reference data, pledges with their lifecycle, progress, comments, statistics.

Views are thin: the querysets, FilterSets, permission predicates and services are the HTML
site's own.
"""

from django.db.models import Count, F, Prefetch
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django_filters import ChoiceFilter, ModelChoiceFilter
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from actors.models import Actor
from actors.permissions import Access, is_focal_point, is_moderator
from portal.api import SLUG, AutoSchema, require
from reviews import permissions, services
from reviews.filters import CommentFilter, PledgeFilter, ProgressUpdateFilter
from reviews.models import (
    Comment,
    DeclarationParagraph,
    GuidingPrinciple,
    Objective,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    ReviewCycle,
    RoundTable,
)
from reviews.models.pledges import PUBLIC_STATUSES
from reviews.serializers import (
    CommentEditSerializer,
    CommentSerializer,
    CommentWriteSerializer,
    CycleSerializer,
    DeclarationParagraphSerializer,
    FlagSerializer,
    ObjectiveSerializer,
    PledgeDetailSerializer,
    PledgeSerializer,
    PledgeWriteSerializer,
    PrincipleSerializer,
    ProgressUpdateSerializer,
    ProgressUpdateWriteSerializer,
    ReasonSerializer,
)
from reviews.services import conversation

ERRORS = {
    400: OpenApiResponse(description="Invalid input; field errors or {detail}."),
    401: OpenApiResponse(description="Sign in or send `Authorization: Token …`."),
    403: OpenApiResponse(description="Your role does not allow this (or MFA is needed)."),
    404: OpenApiResponse(description="Not found, or not visible to you."),
    409: OpenApiResponse(description="Version conflict, or not possible in the current state."),
    429: OpenApiResponse(description="Too many requests."),
}


class ObjectiveViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ObjectiveSerializer
    queryset = Objective.objects.select_related("source")
    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
    ordering = ["number"]
    ordering_fields = ["number"]
    schema = AutoSchema()
    pagination_class = None
    filterset_fields = []


class PrincipleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PrincipleSerializer
    queryset = GuidingPrinciple.objects.select_related("source")
    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
    ordering = ["number"]
    ordering_fields = ["number"]
    schema = AutoSchema()
    pagination_class = None
    filterset_fields = []


class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CycleSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering = ["-year", "slug"]
    # Cursor pagination orders by a column of the row that is never empty.
    ordering_fields = ["year", "slug", "name"]
    filterset_fields = ["kind", "year"]
    schema = AutoSchema()

    def get_queryset(self):
        tables = RoundTable.objects.prefetch_related("objectives").order_by("number")
        return ReviewCycle.objects.select_related("source").prefetch_related(
            Prefetch("round_tables", queryset=tables)
        )


class DeclarationParagraphViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DeclarationParagraphSerializer
    # The cursor reads its position from the row: the cycle's year is annotated onto it.
    ordering = ["cycle_year", "number", "pk"]
    ordering_fields = ["number", "pk"]
    filterset_fields = {"cycle__slug": ["exact"], "objectives__number": ["exact"]}
    schema = AutoSchema()

    def get_queryset(self):
        return (
            DeclarationParagraph.objects.select_related("cycle", "source")
            .prefetch_related("objectives")
            .annotate(cycle_year=F("cycle__year"))
        )


def _pledge_prefetches(queryset):
    partners = PledgePartner.objects.select_related("actor")
    return queryset.prefetch_related("principles", Prefetch("partnerships", queryset=partners))


@extend_schema_view(
    list=extend_schema(description="Pledges you may see, filtered like the pledge list."),
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
    filterset_class = PledgeFilter
    # Not published_at: drafts have none, and a cursor cannot point between empty values.
    ordering_fields = ["updated_at", "title", "pk"]
    ordering = ["-pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    schema = AutoSchema()

    def get_queryset(self):
        if self.action == "list":
            return _pledge_prefetches(Pledge.objects.visible_to(self.request.user).for_list())
        # One pledge: found by id, then each action's permission predicate decides, as on the
        # web site (a moderator without MFA learns to set it up; a hidden pledge is a 404).
        updates = ProgressUpdate.objects.select_related("actor", "author")
        return _pledge_prefetches(
            Pledge.objects.select_related("lead", "cycle", "primary_objective")
        ).prefetch_related("objectives", Prefetch("progress_updates", queryset=updates))

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
        access = permissions.edit_access(request.user, pledge)
        require(
            request,
            access,
            "edit pledge",
            state_conflict=access is Access.FORBIDDEN
            and pledge.lead_id in _actor_ids(request.user),
        )
        serializer = PledgeWriteSerializer(
            pledge, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("lead", None)
        version = data.pop("version")
        pledge = services.pledge_update(pledge=pledge, by=request.user, version=version, data=data)
        return self._detail(pledge)

    def _step(self, request, step, access_function, holds_role):
        pledge = self.get_object()
        access = access_function(request.user, pledge)
        require(
            request,
            access,
            f"{step} pledge",
            state_conflict=access is Access.FORBIDDEN and holds_role(request.user, pledge),
        )
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        if step == "submit":
            services.pledge_submit(pledge=pledge, by=request.user)
        elif step == "publish":
            services.pledge_publish(pledge=pledge, by=request.user)
        else:
            getattr(services, f"pledge_{step}")(
                pledge=pledge, by=request.user, reason=reason.validated_data["reason"]
            )
        return self._detail(pledge)

    @extend_schema(request=None, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a complete draft for review (the lead's focal points)."""
        return self._step(
            request, "submit", permissions.submit_access, lambda u, p: is_focal_point(u, p.lead)
        )

    @extend_schema(request=ReasonSerializer, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a published pledge, with a reason (the lead's focal points)."""
        return self._step(
            request, "withdraw", permissions.withdraw_access, lambda u, p: is_focal_point(u, p.lead)
        )

    @extend_schema(request=None, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a submitted pledge (moderators)."""
        return self._step(request, "publish", permissions.moderate_access, _moderates)

    @extend_schema(request=ReasonSerializer, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return a submitted pledge for changes, with a reason (moderators)."""
        return self._step(request, "return", permissions.moderate_access, _moderates)

    @extend_schema(request=ReasonSerializer, responses={200: PledgeDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a submitted pledge, with a reason (moderators)."""
        return self._step(request, "reject", permissions.moderate_access, _moderates)


def _moderates(user, pledge) -> bool:
    return is_moderator(user) or user.is_superuser


def _actor_ids(user) -> set[int]:
    from actors.permissions import _memberships

    return set(_memberships(user)) if user.is_authenticated else set()


@extend_schema_view(create=extend_schema(responses={201: ProgressUpdateSerializer, **ERRORS}))
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
        return ProgressUpdate.objects.filter(
            is_hidden=False, pledge__status__in=PUBLIC_STATUSES
        ).select_related("actor", "author")

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
        update = services.progress_update_create(
            pledge=pledge,
            by=request.user,
            actor=actor,
            date=serializer.validated_data.get("date") or timezone.localdate(),
            stage=serializer.validated_data["stage"],
            narrative=serializer.validated_data["narrative"],
        )
        return Response(ProgressUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(
        request=CommentWriteSerializer, responses={201: CommentSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        request=CommentEditSerializer, responses={200: CommentSerializer, **ERRORS}
    ),
    destroy=extend_schema(responses={204: None, **ERRORS}),
)
class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Comments anyone may read; posting, editing and deleting by the same rules as the site."""

    serializer_class = CommentSerializer
    ordering = ["-pk"]
    ordering_fields = ["created_at", "pk"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = CommentFilter
    schema = AutoSchema()

    def get_queryset(self):
        return Comment.objects.public().select_related("author", "actor")

    def create(self, request, *args, **kwargs):
        from reviews.views.comments import TARGET_MODELS

        require(request, permissions.comment_post_access(request.user), "post comment")
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = get_object_or_404(TARGET_MODELS[data["target"]], pk=data["target_id"])
        pledge = target if data["target"] == "pledge" else getattr(target, "pledge", None)
        if pledge is not None and not permissions.can_view_pledge(request.user, pledge):
            require(request, Access.NOT_FOUND, "comment target")
        comment = conversation.comment_post(
            user=request.user,
            target_field=data["target"],
            target=target,
            body=data["body"],
            actor=data.get("actor"),
            parent=data.get("parent"),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        require(request, permissions.comment_author_access(request.user, comment), "edit comment")
        serializer = CommentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation.comment_edit(
            comment=comment, user=request.user, body=serializer.validated_data["body"]
        )
        return Response(CommentSerializer(comment).data)

    def destroy(self, request, *args, **kwargs):
        comment = self.get_object()
        require(request, permissions.comment_author_access(request.user, comment), "delete comment")
        conversation.comment_delete(comment=comment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=FlagSerializer, responses={201: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def flag(self, request, pk=None):
        """Flag a comment once; the third distinct flag hides it pending review."""
        comment = self.get_object()
        require(request, permissions.flag_access(request.user, comment), "flag comment")
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation.flag_create(user=request.user, comment=comment, **serializer.validated_data)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide a comment, with a reason (moderators)."""
        return self._moderate(request, pk, "hide")

    @extend_schema(request=ReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Show a hidden comment again (moderators)."""
        return self._moderate(request, pk, "restore")

    def _moderate(self, request, pk, what):
        require(
            request, permissions.conversation_moderation_access(request.user), f"{what} comment"
        )
        comment = get_object_or_404(Comment, pk=pk)
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        function = conversation.item_hide if what == "hide" else conversation.item_restore
        function(item=comment, moderator=request.user, reason=reason.validated_data["reason"])
        return Response({"detail": f"Comment {what} done."})


def _filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """The query parameters of a FilterSet, for the schema of a view that is not a list."""
    parameters = []
    for name, field in filterset_class.base_filters.items():
        kind, enum = OpenApiTypes.STR, None
        if isinstance(field, ModelChoiceFilter) and field.extra.get("to_field_name") == "number":
            kind = OpenApiTypes.INT
        elif isinstance(field, ChoiceFilter) and not isinstance(field, ModelChoiceFilter):
            choices = list(field.extra["choices"])
            # Short lists become an enum; the 250 countries stay a string (a two-letter code).
            enum = [value for value, _ in choices] if len(choices) <= 30 else None
        parameters.append(
            OpenApiParameter(name, kind, enum=enum, description=str(field.label or ""))
        )
    return parameters


STATS_RESPONSE = inline_serializer(
    "Stats",
    {
        "dimension": serializers.CharField(),
        "results": serializers.ListField(
            child=serializers.DictField(),
            help_text="One row per group: the dimension's keys and `count`.",
        ),
    },
)


class StatsView(APIView):
    """Published pledges counted one way, in one SQL query, filtered like the pledge list."""

    permission_classes = [AllowAny]
    schema = AutoSchema()
    dimension = ""
    groups: dict = {}

    def get_queryset(self):
        pledge_filter = PledgeFilter(self.request.GET, queryset=Pledge.objects.published())
        if not pledge_filter.is_valid():
            raise ValidationError(pledge_filter.errors)
        # Group the chosen pledges in a query of their own (a subquery: still one SQL query),
        # or a filter on objectives would also narrow the objectives they are counted under.
        return Pledge.objects.filter(pk__in=pledge_filter.qs.values("pk"))

    @extend_schema(
        parameters=_filter_parameters(PledgeFilter),
        responses={200: STATS_RESPONSE},
    )
    def get(self, request):
        queryset = self.get_queryset()
        if self.dimension == "freshness":
            queryset = queryset.with_freshness()
        if self.dimension == "month":
            queryset = queryset.annotate(month=TruncMonth("published_at"))
        keys = list(self.groups)
        rows = (
            queryset.order_by()
            .values(*self.groups.values())
            .annotate(count=Count("pk", distinct=True))
            .order_by(*self.groups.values())
        )
        results = [
            {key: _plain(row[field]) for key, field in zip(keys, self.groups.values(), strict=True)}
            | {"count": row["count"]}
            for row in rows
        ]
        return Response({"dimension": self.dimension, "results": results})


def _plain(value):
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()[:7]
    return value


STATS = {
    "coverage": {"objective": "objectives__number", "actor_kind": "lead__kind"},
    "region": {"region": "lead__region"},
    "country": {"country": "lead__country"},
    "cycle": {"cycle": "cycle__slug"},
    "month": {"month": "month"},
    "implementation-status": {"implementation_status": "implementation_status"},
    "freshness": {"freshness": "freshness"},
}


def stats_views():
    return {
        name: StatsView.as_view(dimension=name, groups=groups) for name, groups in STATS.items()
    }
