"""Needs: the board's list with its filters, a need with its offers and matching pledges,
publishing and editing by its organisation, offers, marking met, closing, and moderators hiding
or restoring. The querysets, filters, predicates and services are the HTML site's own."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from actors.permissions import Access
from portal.api import ERRORS, AutoSchema, require
from reviews import permissions, services
from reviews.filters import NeedFilter
from reviews.models import Need, Offer, Pledge
from reviews.need_serializers import (
    NeedDetailSerializer,
    NeedSerializer,
    NeedWriteSerializer,
    OfferSerializer,
    OfferWriteSerializer,
)
from reviews.serializers import OptionalReasonSerializer, ReasonSerializer


def _with_answers(needs):
    """Needs with what a need object shows: its active offers and its public matching pledges."""
    return needs.for_page().prefetch_related(
        Prefetch("offers", queryset=Offer.objects.active().with_actor(), to_attr="active_offers"),
        Prefetch(
            "matching_pledges",
            queryset=Pledge.objects.public()
            .select_related("lead")
            .only("id", "title", "summary", "status", "published_at", "answers_need", "lead")
            .order_by("-published_at", "-pk"),
            to_attr="public_matches",
        ),
    )


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Public needs (open and met, not hidden), newest first; filtered with the board's "
            "parameters (`status` open or met chooses one)."
        )
    ),
    retrieve=extend_schema(description=_("A need with its offers and matching pledges.")),
    create=extend_schema(
        description=_(
            "Publish a need of your organisation (`actor`), as a contributor or focal point."
        ),
        request=NeedWriteSerializer,
        responses={201: NeedDetailSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        description=_("Edit an open need of your organisation."),
        request=NeedWriteSerializer,
        responses={200: NeedDetailSerializer, **ERRORS},
    ),
)
class NeedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Needs anyone may read; publishing, offering and the rest by the same rules as the site."""

    serializer_class = NeedSerializer
    ordering = ["-pk"]
    ordering_fields = ["created_at", "updated_at", "pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = NeedFilter
    schema = AutoSchema()

    def get_queryset(self):
        return Need.objects.public().for_list()

    def get_serializer_class(self):
        return NeedDetailSerializer if self.action == "retrieve" else NeedSerializer

    def _need(self, pk, what: str) -> Need:
        """Found among them all; a need the person may not read is then a 404 too."""
        need = get_object_or_404(Need.objects.select_related("actor"), pk=pk)
        require(self.request, permissions.need_view_access(self.request.user, need), what)
        return need

    def _shown(self, need, status_code=status.HTTP_200_OK) -> Response:
        need = _with_answers(Need.objects.filter(pk=need.pk)).get()
        data = NeedDetailSerializer(need, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        need = self._need(kwargs["pk"], "read need")
        return self._shown(need)

    def create(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            require(request, Access.LOGIN_REQUIRED, "publish need")
        serializer = NeedWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        actor = data.pop("actor", None)
        if actor is None:
            return Response(
                {"actor": [str(_("Name the organisation whose need it is."))]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        require(request, permissions.need_create_access(request.user, actor), "publish need")
        need = services.need_create(actor=actor, by=request.user, data=data)
        return self._shown(need, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        need = self._need(kwargs["pk"], "edit need")
        require(request, permissions.need_manage_access(request.user, need), "edit need")
        serializer = NeedWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("actor", None)  # a need stays its organisation's
        need = services.need_update(need=need, by=request.user, data=data)
        return self._shown(need)

    @extend_schema(
        description=_(
            "Offer support for an open need, for one of your organisations (not the need's own)."
        ),
        request=OfferWriteSerializer,
        responses={201: OfferSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def offers(self, request, pk=None):
        need = self._need(pk, "offer")
        require(request, permissions.offer_access(request.user, need), "offer")
        serializer = OfferWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = serializer.validated_data["actor"]
        require(request, permissions.offer_access(request.user, need, actor), "offer")
        offer = services.offer_create(
            need=need, actor=actor, by=request.user, body=serializer.validated_data["body"]
        )
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        description=_("Mark an open need of your organisation as met; those who offered are told."),
        request=None,
        responses={200: NeedDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def met(self, request, pk=None):
        need = self._need(pk, "mark need met")
        require(request, permissions.need_manage_access(request.user, need), "mark need met")
        return self._shown(services.need_mark_met(need=need, by=request.user))

    @extend_schema(
        description=_("Close (withdraw) an open need of your organisation."),
        request=None,
        responses={200: NeedDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        need = self._need(pk, "close need")
        require(request, permissions.need_manage_access(request.user, need), "close need")
        return self._shown(services.need_close(need=need, by=request.user))

    @extend_schema(request=ReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide a need, with a reason (moderators, with two-factor authentication)."""
        return self._moderate(request, pk, "hide")

    @extend_schema(request=OptionalReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Show a hidden need again (moderators)."""
        return self._moderate(request, pk, "restore")

    def _moderate(self, request, pk, what):
        require(request, permissions.conversation_moderation_access(request.user), f"{what} need")
        need = self._need(pk, f"{what} need")
        require(request, permissions.need_moderation_access(request.user, need, what), what)
        serializer = ReasonSerializer if what == "hide" else OptionalReasonSerializer
        reason = serializer(data=request.data)
        reason.is_valid(raise_exception=True)
        if what == "hide":
            services.need_hide(
                need=need, moderator=request.user, reason=reason.validated_data["reason"]
            )
            return Response({"detail": str(_("The need is hidden."))})
        services.need_restore(
            need=need, moderator=request.user, reason=reason.validated_data["reason"]
        )
        return Response({"detail": str(_("The need is shown again."))})
