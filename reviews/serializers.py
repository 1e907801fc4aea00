from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor
from actors.serializers import ActorBriefSerializer, CitationSerializer
from reviews.models import (
    DeclarationParagraph,
    GuidingPrinciple,
    Need,
    Objective,
    Pledge,
    PledgePartner,
    ProgressUpdate,
    ReviewCycle,
    RoundTable,
)
from reviews.models.freshness import Freshness
from reviews.models.pledges import EDITABLE_FIELDS
from reviews.result_serializers import (
    ExpectedResultSerializer,
    UpdateActualSerializer,
    actuals_field,
)


def written_in_field():
    """The language a text is written in, as a writer gives it: one of the six, or left out
    for the writer's interface language (the request's Accept-Language)."""
    return serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The language the text is written in; left out: the language of the request."),
    )


class ObjectiveSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:objective-detail", lookup_field="number"
    )
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Objective
        fields = ["number", "url", "title", "short_label", "citations"]
        read_only_fields = fields


class PrincipleSerializer(serializers.ModelSerializer):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = GuidingPrinciple
        fields = ["number", "title", "description", "citations"]
        read_only_fields = fields


class RoundTableSerializer(serializers.ModelSerializer):
    """A round table within its cycle. Its citations are shown on the cycle's page; here they
    would cost the cycle list one more query (a list stays within four)."""

    # Numbers read with the round table (CycleViewSet), as the objectives' `number`s.
    objectives = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=2**63 - 1),
        source="objective_numbers",
        read_only=True,
    )

    class Meta:
        model = RoundTable
        fields = ["id", "number", "title", "held_on", "objectives"]
        read_only_fields = fields


class CycleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:cycle-detail", lookup_field="slug")
    round_tables = RoundTableSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = ReviewCycle
        fields = [
            "slug",
            "url",
            "name",
            "kind",
            "year",
            "starts_on",
            "ends_on",
            "venue",
            "hearing_on",
            "submissions_open",
            "submissions_close",
            "outcome",
            "outcome_endorsed_on",
            "round_tables",
            "citations",
        ]
        read_only_fields = fields


class DeclarationParagraphSerializer(serializers.ModelSerializer):
    cycle = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    objectives = serializers.SerializerMethodField(
        help_text=_("Numbers of the objectives the paragraph speaks to.")
    )
    editorial_objectives = serializers.SerializerMethodField(
        help_text=_("Those of `objectives` linked by the curators' own reading, not by a source.")
    )
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = DeclarationParagraph
        fields = [
            "id",
            "cycle",
            "number",
            "section",
            "summary",
            "objectives",
            "editorial_objectives",
            "citations",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_objectives(self, paragraph) -> list[int]:
        return [link.objective.number for link in paragraph.objective_links.all()]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_editorial_objectives(self, paragraph) -> list[int]:
        return [link.objective.number for link in paragraph.objective_links.all() if link.editorial]


class PartnerSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="actor.id", read_only=True)
    name = serializers.CharField(source="actor.name", read_only=True)
    kind = serializers.CharField(source="actor.kind", read_only=True)
    country = serializers.CharField(source="actor.country.code", read_only=True)

    class Meta:
        model = PledgePartner
        fields = ["id", "name", "kind", "country", "status"]
        read_only_fields = fields


class EnglishCharField(serializers.CharField):
    """A text the portal words itself (the name it gives a member without one, "former member"),
    read in English: the API's values are the same whatever the client's language."""

    def get_attribute(self, instance):
        with translation.override("en"):
            return super().get_attribute(instance)


class ProgressUpdateSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer(read_only=True)
    author = EnglishCharField(
        source="author.public_name", read_only=True, default=None, allow_null=True
    )
    # Prefetched by every queryset that reads updates for the API.
    actuals = UpdateActualSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "pledge",
            "date",
            "stage",
            "narrative",
            "language",
            "actor",
            "author",
            "actuals",
            "created_at",
        ]
        read_only_fields = ["id", "actor", "author", "actuals", "created_at"]


class ProgressUpdateWriteSerializer(serializers.ModelSerializer):
    actor = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.accredited(),
        help_text=_(
            "The organisation reporting (the lead or a confirmed partner); defaults to the "
            "lead when the person belongs to it."
        ),
        required=False,
    )
    language = written_in_field()
    actuals = actuals_field()

    class Meta:
        model = ProgressUpdate
        fields = ["pledge", "date", "stage", "narrative", "language", "actor", "actuals"]
        extra_kwargs = {"pledge": {"queryset": Pledge.objects.answerable()}}


class PledgeSerializer(serializers.ModelSerializer):
    """The public shape of a pledge (DESIGN §4); stable field names."""

    url = serializers.HyperlinkedIdentityField(view_name="api:pledge-detail")
    lead = ActorBriefSerializer(read_only=True)
    partners = PartnerSerializer(source="partnerships", many=True, read_only=True)
    objectives = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    primary_objective = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    principles = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    cycle = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    countries = serializers.SerializerMethodField()
    freshness = serializers.SerializerMethodField()
    measurable = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "At least one indicator has a baseline and a target, each with its value and date."
        ),
    )
    # Annotated by the API's querysets (reviews.models.endorsements.active_count).
    endorsements = serializers.IntegerField(
        source="endorsement_count",
        read_only=True,
        min_value=0,
        help_text=_("How many organisations endorse the pledge now (withdrawn ones not counted)."),
    )

    class Meta:
        model = Pledge
        fields = [
            "id",
            "url",
            "title",
            "summary",
            "language",
            "lead",
            "partners",
            "objectives",
            "primary_objective",
            "principles",
            "cycle",
            "status",
            "implementation_status",
            "freshness",
            "measurable",
            "endorsements",
            "kind",
            "matches",
            "support",
            "amount",
            "currency",
            "scope",
            "countries",
            "start_date",
            "end_date",
            "version",
            "created_at",
            "submitted_at",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_countries(self, pledge):
        return [country.code for country in pledge.countries]

    @extend_schema_field(serializers.ChoiceField(choices=Freshness.choices, allow_null=True))
    def get_freshness(self, pledge):
        """green, amber or red for a published pledge (red if it never reported), else null."""
        value = pledge.freshness_at(self.context.get("now"))
        return value.value if value else None


class SubmissionCheckSerializer(serializers.Serializer):
    """What a draft or returned pledge still lacks before it can be submitted (by field), and
    what would make it specific and measurable (advice that does not stop a submission)."""

    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    warnings = serializers.ListField(child=serializers.CharField())


class PledgeDetailSerializer(PledgeSerializer):
    # Prefetched with their indicators and the public reports' values (the view's queryset).
    results = ExpectedResultSerializer(many=True, read_only=True)
    progress_updates = serializers.SerializerMethodField()
    submission_check = serializers.SerializerMethodField()

    class Meta(PledgeSerializer.Meta):
        fields = [
            *PledgeSerializer.Meta.fields,
            "description",
            "results",
            "progress_updates",
            "submission_check",
        ]
        read_only_fields = fields

    @extend_schema_field(SubmissionCheckSerializer(allow_null=True))
    def get_submission_check(self, pledge):
        """The submission check of a draft or returned pledge (the page's), null otherwise."""
        if not pledge.is_editable:
            return None
        return {
            "errors": pledge.submission_errors(),
            "warnings": pledge.submission_warnings(),
        }

    @extend_schema_field(ProgressUpdateSerializer(many=True))
    def get_progress_updates(self, pledge):
        # Prefetched with ProgressUpdate.objects.public() (the view's queryset).
        updates = pledge.progress_updates.all()
        return ProgressUpdateSerializer(updates, many=True).data


class TextSlugRelatedField(serializers.SlugRelatedField):
    """A slug look-up that answers "does not exist" for a NUL, which PostgreSQL cannot compare."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class PledgeWriteSerializer(serializers.ModelSerializer):
    """Drafting and editing. `version` is required to edit: a stale one is a 409.

    The pledge's rules are the model's and the services', as for the web form."""

    lead = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.accredited(), help_text=_("Your organisation (create only).")
    )
    objectives = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=Objective.objects.all(), required=False
    )
    primary_objective = serializers.SlugRelatedField(
        slug_field="number", queryset=Objective.objects.all(), required=False, allow_null=True
    )
    principles = serializers.SlugRelatedField(
        slug_field="number", many=True, queryset=GuidingPrinciple.objects.all(), required=False
    )
    cycle = TextSlugRelatedField(
        slug_field="slug", queryset=ReviewCycle.objects.all(), required=False, allow_null=True
    )
    partners = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Actor.objects.accredited(), required=False
    )
    countries = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, allow_empty=True
    )
    matches = serializers.PrimaryKeyRelatedField(
        queryset=Pledge.objects.answerable(), required=False, allow_null=True
    )
    answers_need = serializers.PrimaryKeyRelatedField(
        queryset=Need.objects.public(),
        required=False,
        allow_null=True,
        help_text=_("The open need a matching pledge answers (its id)."),
    )
    version = serializers.IntegerField(
        required=False, help_text=_("The version you edited (required to edit).")
    )
    language = written_in_field()

    class Meta:
        model = Pledge
        fields = ["lead", *EDITABLE_FIELDS, "version"]

    def validate_countries(self, value):
        from django_countries import countries

        codes = [code.upper() for code in value]
        unknown = [code for code in codes if code not in dict(countries)]
        if unknown:
            raise serializers.ValidationError(
                gettext("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return codes

    def validate(self, attrs):
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": gettext("Give the version you edited.")})
        return attrs


class ReasonSerializer(serializers.Serializer):
    """The reason a moderation step or a withdrawal must give (the other side reads it)."""

    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    """A step whose reason may be left out (restoring a comment), or that takes none."""

    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


def now_context():
    return {"now": timezone.now()}
