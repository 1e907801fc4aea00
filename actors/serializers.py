from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from actors.models import Actor, ApiToken, Coalition, CoalitionMembership, Region


class CitationSerializer(serializers.Serializer):
    """One source a curated record cites, where in it, and what it supports."""

    source = serializers.CharField(
        source="source.slug", read_only=True, help_text=_("The cited source document's slug.")
    )
    locator = serializers.CharField(read_only=True)
    supports = serializers.CharField(
        read_only=True,
        help_text=_("What the source supports; empty when it is the whole record."),
    )


class ActorBriefSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", allow_blank=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["id", "name", "kind", "country"]
        read_only_fields = fields


class ActorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:actor-detail", lookup_field="slug")
    country = serializers.CharField(source="country.code", allow_blank=True, read_only=True)
    # Empty values are part of the contract (the schema says so): no region, site, parent…
    region = serializers.ChoiceField(choices=Region.choices, allow_blank=True, read_only=True)
    website = serializers.CharField(read_only=True, help_text=_("A web address, or empty."))
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "short_name",
            "kind",
            "country",
            "region",
            "website",
            "description",
            "parent",
            "is_demo",
            "citations",
        ]
        read_only_fields = fields


class CoalitionMemberSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer(read_only=True)

    class Meta:
        model = CoalitionMembership
        fields = ["actor", "role", "joined_year", "left_year", "note"]
        read_only_fields = fields


class CoalitionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:coalition-detail", lookup_field="slug"
    )
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    citations = CitationSerializer(many=True, read_only=True)
    website = serializers.CharField(read_only=True, help_text=_("A web address, or empty."))
    members = CoalitionMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Coalition
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "short_name",
            "description",
            "founded_year",
            "parent",
            "website",
            "members",
            "citations",
        ]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
