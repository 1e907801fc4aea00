"""The API's question serializers: a question as read (with its public answer inline), as asked,
answered and closed; and an organisation's responsiveness, added to the actor object."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from actors.models import Actor
from actors.serializers import ActorBriefSerializer, ActorSerializer
from portal.filters import MAX_INTEGER
from portal.i18n import interpolate_lazy
from reviews.models import Answer, Question
from reviews.models.questions import ANSWER_MAX, OPEN_TOO_LONG_DAYS, QUESTION_MAX
from reviews.serializers import EnglishCharField, written_in_field


class AnswerSerializer(serializers.ModelSerializer):
    author = EnglishCharField(source="author.public_name", read_only=True)
    actor = ActorBriefSerializer(read_only=True)

    class Meta:
        model = Answer
        fields = [
            "id",
            "author",
            "actor",
            "body",
            "body_html",
            "language",
            "created_at",
            "edited_at",
        ]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer):
    addressed_to = ActorBriefSerializer(read_only=True)
    author = EnglishCharField(source="author.public_name", read_only=True)
    actor = ActorBriefSerializer(read_only=True, allow_null=True)
    answer = serializers.SerializerMethodField(
        help_text=_("The organisation's answer; null while there is none, or when hidden.")
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "pledge",
            "addressed_to",
            "author",
            "actor",
            "body",
            "body_html",
            "language",
            "status",
            "created_at",
            "answered_at",
            "closed_at",
            "closed_reason",
            "answer",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_answer(self, question) -> dict | None:
        answer = question.given_answer
        if answer is None or answer.is_hidden:
            return None
        return AnswerSerializer(answer, context=self.context).data


class QuestionWriteSerializer(serializers.Serializer):
    # An id, looked up by the view: a pledge the person may not see is a 404, as one that does
    # not exist (a list of choices would tell them apart).
    pledge = serializers.IntegerField(
        min_value=1, max_value=MAX_INTEGER, help_text=_("The published pledge asked about.")
    )
    addressed_to = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.accredited(),
        required=False,
        allow_null=True,
        help_text=_("The organisation asked: the pledge's lead (left out) or a partner."),
    )
    actor = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.accredited(),
        required=False,
        allow_null=True,
        help_text=_("One of your organisations to ask for; left out: in your own name."),
    )
    body = serializers.CharField(max_length=QUESTION_MAX)
    language = written_in_field()


class AnswerWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=ANSWER_MAX)
    language = written_in_field()


class AnswerEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=ANSWER_MAX)


class ResponsivenessSerializer(serializers.Serializer):
    """reviews.questions.Responsiveness, as the API gives it."""

    received = serializers.IntegerField(
        read_only=True, help_text=_("Public questions addressed to the organisation.")
    )
    answered = serializers.IntegerField(
        read_only=True, help_text=_("Of those, answered (an answer hidden by moderators not).")
    )
    median_hours_to_answer = serializers.FloatField(
        source="median_hours",
        read_only=True,
        allow_null=True,
        help_text=_("Median time from question to answer, in hours; null with no answer."),
    )
    open_over_30_days = serializers.IntegerField(
        source="open_too_long",
        read_only=True,
        help_text=interpolate_lazy(
            _("Questions still open %(days)d days after they were asked."),
            {"days": OPEN_TOO_LONG_DAYS},
        ),
    )


# Still the API's "Actor": the object its clients know, with one more field.
@extend_schema_serializer(component_name="Actor")
class ActorWithResponsivenessSerializer(ActorSerializer):
    """An accredited organisation, with its responsiveness to the public questions on its
    pledges."""

    # Set on each actor by the view, for a whole page at once (reviews.api.actors).

    responsiveness = ResponsivenessSerializer(read_only=True)

    class Meta(ActorSerializer.Meta):
        fields = [*ActorSerializer.Meta.fields, "responsiveness"]
        read_only_fields = fields
