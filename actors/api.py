from django.db.models import Prefetch
from rest_framework import viewsets

from actors.filters import ActorFilter
from actors.models import Actor, Coalition, CoalitionMembership
from actors.serializers import ActorSerializer, CoalitionSerializer


class ActorViewSet(viewsets.ReadOnlyModelViewSet):
    """Accredited organisations, filterable like the directory."""

    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"
    ordering_fields = ["name", "kind"]
    ordering = ["name", "pk"]

    def get_queryset(self):
        return Actor.objects.accredited().select_related("parent", "source")


class CoalitionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CoalitionSerializer
    lookup_field = "slug"
    ordering = ["name", "pk"]
    filterset_fields = []

    def get_queryset(self):
        members = CoalitionMembership.objects.filter(
            actor__status=Actor.Status.ACCREDITED
        ).select_related("actor")
        return Coalition.objects.select_related("parent", "source").prefetch_related(
            Prefetch("memberships", queryset=members)
        )
