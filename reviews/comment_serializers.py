"""The API's comment serializers: a comment as read, as posted and as edited, and a flag."""

from rest_framework import serializers

from actors.models import Actor
from actors.serializers import ActorBriefSerializer
from reviews.models import Comment
from reviews.models.comments import COMMENT_MAX, TARGETS
from reviews.serializers import EnglishCharField, written_in_field


class CommentSerializer(serializers.ModelSerializer):
    author = EnglishCharField(source="author.public_name", read_only=True)
    actor = ActorBriefSerializer(read_only=True, allow_null=True)
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "pledge",
            "objective",
            "paragraph",
            "round_table",
            "progress_update",
            "parent",
            "author",
            "actor",
            "body",
            "body_html",
            "language",
            "created_at",
            "edited_at",
            "deleted_at",
        ]
        read_only_fields = fields

    def get_body(self, comment) -> str:
        return "" if comment.is_deleted else comment.body

    def get_body_html(self, comment) -> str:
        return "" if comment.is_deleted else comment.body_html


class CommentWriteSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=TARGETS)
    target_id = serializers.IntegerField(min_value=1)
    body = serializers.CharField(max_length=COMMENT_MAX)
    language = written_in_field()
    actor = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.accredited(), required=False, allow_null=True
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True
    )


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX)


class FlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=["spam", "offensive", "off-topic", "personal-data", "other"]
    )
    text = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
