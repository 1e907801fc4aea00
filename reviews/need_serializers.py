"""The API's need serializers: a need as listed and as read with its offers and matching
pledges, a need as published or edited, and an offer as made."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor
from actors.serializers import ActorBriefSerializer
from reviews.models import Need, Objective, Offer, Pledge, ReviewCycle
from reviews.models.needs import DESCRIPTION_MAX, OFFER_MAX, TITLE_MAX, support_list
from reviews.serializers import TextSlugRelatedField, written_in_field


class NeedSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:need-detail")
    actor = ActorBriefSerializer(read_only=True)
    objectives = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    cycle = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    countries = serializers.SerializerMethodField()
    support = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id",
            "url",
            "title",
            "actor",
            "objectives",
            "countries",
            "support",
            "cycle",
            "language",
            "status",
            "met_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, need):
        return [country.code for country in need.countries]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=Need.Support.choices))
    )
    def get_support(self, need):
        return support_list(need.support)


class OfferSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer(read_only=True)

    class Meta:
        model = Offer
        fields = ["id", "actor", "body", "created_at"]
        read_only_fields = fields


class MatchingPledgeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:pledge-detail")
    lead = ActorBriefSerializer(read_only=True)

    class Meta:
        model = Pledge
        fields = ["id", "url", "title", "summary", "lead", "status", "published_at"]
        read_only_fields = fields


class NeedDetailSerializer(NeedSerializer):
    # Prefetched by the view: the active offers, and the public pledges answering the need.
    offers = OfferSerializer(source="active_offers", many=True, read_only=True)
    matching_pledges = MatchingPledgeSerializer(source="public_matches", many=True, read_only=True)

    class Meta(NeedSerializer.Meta):
        fields = [*NeedSerializer.Meta.fields, "description", "offers", "matching_pledges"]
        read_only_fields = fields


class NeedWriteSerializer(serializers.Serializer):
    """Publishing (with `actor`) or editing a need; the rules are the services'."""

    actor = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.accredited(),
        required=False,
        help_text=_("Your organisation, whose need it is (create only)."),
    )
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    objectives = serializers.SlugRelatedField(
        slug_field="number", many=True, allow_empty=False, queryset=Objective.objects.all()
    )
    support = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.Support.choices), allow_empty=False
    )
    countries = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, allow_empty=True
    )
    cycle = TextSlugRelatedField(
        slug_field="slug", queryset=ReviewCycle.objects.all(), required=False, allow_null=True
    )
    language = written_in_field()

    def validate_countries(self, value):
        from django_countries import countries

        codes = [code.upper() for code in value]
        unknown = [code for code in codes if code not in dict(countries)]
        if unknown:
            raise serializers.ValidationError(
                gettext("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return codes


class OfferWriteSerializer(serializers.Serializer):
    actor = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.accredited(),
        help_text=_("Your organisation, which offers (not the need's own)."),
    )
    body = serializers.CharField(max_length=OFFER_MAX)
