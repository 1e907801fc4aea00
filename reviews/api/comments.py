"""Comments: reading, posting, editing, deleting, flagging, and hiding by moderators."""

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from portal.api import ERRORS, AutoSchema, require
from reviews import permissions, services
from reviews.comment_serializers import (
    CommentEditSerializer,
    CommentSerializer,
    CommentWriteSerializer,
    FlagSerializer,
)
from reviews.filters import CommentFilter
from reviews.models import (
    Comment,
)
from reviews.serializers import OptionalReasonSerializer, ReasonSerializer
from reviews.services.moderation import done_message


@extend_schema_view(
    create=extend_schema(
        request=CommentWriteSerializer, responses={201: CommentSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        request=CommentEditSerializer, responses={200: CommentSerializer, **ERRORS}
    ),
    destroy=extend_schema(responses={204: None, **ERRORS}),
)
class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Comments anyone may read; posting, editing and deleting by the same rules as the site."""

    serializer_class = CommentSerializer
    ordering = ["-pk"]
    ordering_fields = ["created_at", "pk"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = CommentFilter
    schema = AutoSchema()

    def get_queryset(self):
        return Comment.objects.public().select_related("author", "actor")

    def create(self, request, *args, **kwargs):
        require(request, permissions.comment_post_access(request.user), "post comment")
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = get_object_or_404(Comment.target_model(data["target"]), pk=data["target_id"])
        require(request, permissions.comment_target_access(request.user, target), "comment target")
        comment = services.comment_post(
            user=request.user,
            target_field=data["target"],
            target=target,
            body=data["body"],
            actor=data.get("actor"),
            parent=data.get("parent"),
            language=data.get("language", ""),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        require(request, permissions.comment_author_access(request.user, comment), "edit comment")
        serializer = CommentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.comment_edit(
            comment=comment, user=request.user, body=serializer.validated_data["body"]
        )
        return Response(CommentSerializer(comment).data)

    def destroy(self, request, *args, **kwargs):
        comment = self.get_object()
        require(request, permissions.comment_author_access(request.user, comment), "delete comment")
        services.comment_delete(comment=comment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=FlagSerializer, responses={201: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def flag(self, request, pk=None):
        """Flag a comment once; the third distinct flag hides it pending review."""
        comment = self.get_object()
        require(request, permissions.flag_access(request.user, comment), "flag comment")
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.flag_create(user=request.user, comment=comment, **serializer.validated_data)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide a comment, with a reason (moderators)."""
        return self._moderate(request, pk, "hide")

    @extend_schema(request=OptionalReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Show a hidden comment again (moderators)."""
        return self._moderate(request, pk, "restore")

    def _moderate(self, request, pk, what):
        require(
            request, permissions.conversation_moderation_access(request.user), f"{what} comment"
        )
        comment = get_object_or_404(Comment, pk=pk)
        serializer = ReasonSerializer if what == "hide" else OptionalReasonSerializer
        reason = serializer(data=request.data)
        reason.is_valid(raise_exception=True)
        function = services.item_hide if what == "hide" else services.item_restore
        function(item=comment, moderator=request.user, reason=reason.validated_data["reason"])
        return Response({"detail": done_message("comment", comment, what)})
