from django.db.models import Prefetch
from rest_framework import viewsets

from actors.filters import ActorFilter
from actors.models import Actor, Coalition, CoalitionMembership
from actors.serializers import ActorSerializer, CoalitionSerializer
from portal.api import SLUG, AutoSchema


class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    """Accredited organisations, filterable like the directory."""

    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering_fields = ["name", "kind"]
    ordering = ["name", "pk"]
    schema = AutoSchema()

    def get_queryset(self):
        return Actor.objects.accredited().select_related("parent").with_citations()


class CoalitionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CoalitionSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering = ["name", "pk"]
    ordering_fields = ["name"]
    filterset_fields = []
    schema = AutoSchema()

    def get_queryset(self):
        members = CoalitionMembership.objects.filter(
            actor__status=Actor.Status.ACCREDITED
        ).select_related("actor")
        return (
            Coalition.objects.select_related("parent")
            .with_citations()
            .prefetch_related(Prefetch("memberships", queryset=members))
        )
