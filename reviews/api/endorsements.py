"""Endorsements: reading them, endorsing a pledge for one's organisation, withdrawing it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from portal.api import ERRORS, AutoSchema, require
from reviews import permissions, services
from reviews.endorsement_serializers import EndorsementSerializer, EndorsementWriteSerializer
from reviews.filters import EndorsementFilter
from reviews.models import Endorsement, Pledge


@extend_schema_view(
    list=extend_schema(
        description=_(
            "The endorsements that stand (not withdrawn) of public pledges, newest first; "
            "`pledge` and `actor` (ids) choose those of one pledge or one organisation."
        )
    ),
    create=extend_schema(
        description=_(
            "Endorse a published pledge for one of your organisations (a contributor or focal "
            "point of it), which is neither the pledge's lead nor one of its partners. An "
            "organisation endorses a pledge once at a time: a second is a 409."
        ),
        request=EndorsementWriteSerializer,
        responses={201: EndorsementSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        description=_(
            "Withdraw an endorsement (a member of the endorsing organisation). It is kept in "
            "the record, and the organisation may endorse the pledge again."
        ),
        responses={204: None, **ERRORS},
    ),
)
class EndorsementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Endorsements anyone may read; endorsing and withdrawing by the same rules as the site."""

    serializer_class = EndorsementSerializer
    ordering = ["-pk"]
    ordering_fields = ["created_at", "pk"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_class = EndorsementFilter
    schema = AutoSchema()

    def get_queryset(self):
        if self.action == "destroy":
            # Found among them all, then the predicate answers: 404 for a pledge the person may
            # not see, 403 for another organisation's, 409 for one withdrawn already.
            return Endorsement.objects.select_related("pledge", "actor")
        return Endorsement.objects.public().select_related("actor")

    def create(self, request, *args, **kwargs):
        serializer = EndorsementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pledge = get_object_or_404(
            Pledge.objects.prefetch_related("partnerships"), pk=data["pledge"]
        )
        access = permissions.endorse_access(request.user, pledge, data["actor"])
        require(request, access, "endorse pledge")
        endorsement = services.endorsement_create(
            pledge=pledge,
            actor=data["actor"],
            by=request.user,
            offers_partnership=data["offers_partnership"],
            note=data["note"],
        )
        return Response(EndorsementSerializer(endorsement).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        endorsement = self.get_object()
        access = permissions.withdraw_endorsement_access(request.user, endorsement)
        require(request, access, "withdraw endorsement")
        services.endorsement_withdraw(endorsement=endorsement, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
