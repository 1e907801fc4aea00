"""Reporting rounds, read-only: each round's dates and reminder steps, and in its detail the
reporting rates the round's page shows (reviews.rounds), overall and by stakeholder kind,
region and lead organisation."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from portal.api import SLUG, AutoSchema
from reviews import rounds
from reviews.models import ReportingRound


class RateSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The group: a kind, a region or a lead's slug."))
    label = serializers.CharField()
    due = serializers.IntegerField(help_text=_("Pledges asked for a report in the round."))
    reported = serializers.IntegerField(help_text=_("Of those, the ones that reported in it."))
    percent = serializers.IntegerField(allow_null=True)


class RatesSerializer(serializers.Serializer):
    overall = RateSerializer()
    kinds = RateSerializer(many=True)
    regions = RateSerializer(many=True)
    actors = RateSerializer(many=True)


class RoundSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:round-detail", lookup_field="slug")
    cycle = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reminder_days = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = ReportingRound
        fields = [
            "url",
            "slug",
            "name",
            "cycle",
            "opens_on",
            "closes_on",
            "reminder_days",
            "late_days",
        ]
        read_only_fields = fields


class RoundDetailSerializer(RoundSerializer):
    rates = serializers.SerializerMethodField()

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "rates"]
        read_only_fields = fields

    @extend_schema_field(RatesSerializer)
    def get_rates(self, round_):
        return RatesSerializer(rounds.rates(round_)).data


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting rounds, the newest first; a round's detail carries its reporting rates."""

    queryset = ReportingRound.objects.select_related("cycle")
    lookup_field = "slug"
    lookup_value_regex = SLUG
    ordering = ["-opens_on", "slug"]
    ordering_fields = ["opens_on", "slug"]
    filterset_fields = []
    schema = AutoSchema()

    def get_serializer_class(self):
        return RoundDetailSerializer if self.action == "retrieve" else RoundSerializer
