"""The reference data, read-only: objectives, principles, cycles, Declaration paragraphs."""

from django.db.models import F, OuterRef, Prefetch
from rest_framework import viewsets

from portal.api import SLUG, AutoSchema
from portal.expressions import RelatedList
from reviews.models import (
    DeclarationParagraph,
    GuidingPrinciple,
    Objective,
    ReviewCycle,
    RoundTable,
    RoundTableObjective,
)
from reviews.serializers import (
    CycleSerializer,
    DeclarationParagraphSerializer,
    ObjectiveSerializer,
    PrincipleSerializer,
)


class NumberedViewSet(viewsets.ReadOnlyModelViewSet):
    """A short, numbered list of the Compact's text (objectives 1–23, principles 1–10): found
    by number, listed whole."""

    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
    ordering = ["number"]
    ordering_fields = ["number"]
    schema = AutoSchema()
    pagination_class = None
    filterset_fields = []


class ObjectiveViewSet(NumberedViewSet):
    serializer_class = ObjectiveSerializer
    queryset = Objective.objects.with_citations()


class PrincipleViewSet(NumberedViewSet):
    serializer_class = PrincipleSerializer
    queryset = GuidingPrinciple.objects.with_citations()


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
        # The round tables' objective numbers in their own row: a list stays within four
        # queries with its throttle.
        linked = RoundTableObjective.objects.filter(round_table=OuterRef("pk"))
        numbers = linked.order_by("objective__number").values(item=F("objective__number"))
        tables = RoundTable.objects.annotate(objective_numbers=RelatedList(numbers)).order_by(
            "number"
        )
        return ReviewCycle.objects.with_citations().prefetch_related(
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
            DeclarationParagraph.objects.select_related("cycle")
            .with_citations()
            .with_objective_links()
            .annotate(cycle_year=F("cycle__year"))
        )
