from rest_framework import serializers

from actors.models import Actor, ApiToken, Coalition, CoalitionMembership


class ActorBriefSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", allow_blank=True, read_only=True)

    class Meta:
        model = Actor
        fields = ["id", "name", "kind", "country"]
        read_only_fields = fields


class ActorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:actor-detail", lookup_field="slug")
    country = serializers.CharField(source="country.code", allow_blank=True, read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)

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
            "source",
            "source_locator",
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
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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
            "source",
            "source_locator",
        ]
        read_only_fields = fields


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
