"""Questions: reading them with their answers, asking, answering (and correcting the answer),
closing by moderators; flagging, hiding and restoring a question or its answer as a comment."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from actors.permissions import Access
from portal.api import ERRORS, AutoSchema, require
from reviews import permissions, services
from reviews.comment_serializers import FlagSerializer
from reviews.filters import QuestionFilter
from reviews.models import Pledge, Question
from reviews.models.questions import addressee_ids
from reviews.question_serializers import (
    AnswerEditSerializer,
    AnswerWriteSerializer,
    QuestionSerializer,
    QuestionWriteSerializer,
)
from reviews.serializers import OptionalReasonSerializer, ReasonSerializer
from reviews.services.moderation import done_message


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Public questions on public pledges, newest first, each with its answer when it has "
            "one the public may read; `pledge`, `addressed_to` (ids) and `status` choose."
        )
    ),
    create=extend_schema(
        description=_(
            "Ask a published pledge's lead (`addressed_to` left out) or one of its confirmed "
            "partners, in your own name or for one of your organisations (`actor`); not an "
            "organisation you belong to."
        ),
        request=QuestionWriteSerializer,
        responses={201: QuestionSerializer, **ERRORS},
    ),
)
class QuestionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Questions anyone may read; asking, answering and closing by the same rules as the site."""

    serializer_class = QuestionSerializer
    ordering = ["-pk"]
    ordering_fields = ["created_at", "pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = QuestionFilter
    schema = AutoSchema()

    def get_queryset(self):
        return Question.objects.public().with_answers()

    def _question(self, pk) -> Question:
        """Found among them all; the predicate then answers 404 for one the person may not
        see (hidden, or on a pledge they may not see)."""
        return get_object_or_404(Question.objects.with_answers().select_related("pledge"), pk=pk)

    def _shown(self, question) -> dict:
        """The question as read now, with its answer."""
        question = Question.objects.with_answers().get(pk=question.pk)
        return QuestionSerializer(question, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            require(request, Access.LOGIN_REQUIRED, "ask question")
        serializer = QuestionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pledge = get_object_or_404(
            Pledge.objects.select_related("lead").prefetch_related("partnerships"),
            pk=data["pledge"],
        )
        require(request, permissions.view_access(request.user, pledge), "ask question")
        addressed_to = data.get("addressed_to") or pledge.lead
        if addressed_to.pk not in addressee_ids(pledge):
            raise ValidationError(
                {"addressed_to": gettext("Ask the pledge's lead or one of its partners.")}
            )
        actor = data.get("actor")
        access = permissions.ask_access(request.user, pledge, addressed_to, actor)
        require(request, access, "ask question")
        question = services.question_ask(
            user=request.user,
            pledge=pledge,
            addressed_to=addressed_to,
            actor=actor,
            body=data["body"],
            language=data.get("language", ""),
        )
        return Response(self._shown(question), status=status.HTTP_201_CREATED)

    @extend_schema(
        description=_(
            "Answer for the organisation asked (a focal point of it, with two-factor "
            "authentication), once, while the question is open."
        ),
        request=AnswerWriteSerializer,
        responses={201: QuestionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        question = self._question(pk)
        require(request, permissions.answer_access(request.user, question), "answer question")
        serializer = AnswerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.question_answer(
            question=question,
            user=request.user,
            body=serializer.validated_data["body"],
            language=serializer.validated_data.get("language", ""),
        )
        return Response(self._shown(question), status=status.HTTP_201_CREATED)

    @extend_schema(
        description=_("Correct your answer, for 15 minutes after it was given."),
        request=AnswerEditSerializer,
        responses={200: QuestionSerializer, **ERRORS},
    )
    @answer.mapping.patch
    def edit_answer(self, request, pk=None):
        answer = self._question(pk).given_answer
        if answer is None:
            require(request, Access.NOT_FOUND, "edit answer")
        require(request, permissions.answer_edit_access(request.user, answer), "edit answer")
        serializer = AnswerEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.answer_edit(
            answer=answer, user=request.user, body=serializer.validated_data["body"]
        )
        return Response(self._shown(answer.question))

    @extend_schema(
        description=_("Close an open question, with a reason everyone reads (moderators)."),
        request=ReasonSerializer,
        responses={200: QuestionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        question = self._question(pk)
        require(request, permissions.close_access(request.user, question), "close question")
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.question_close(
            question=question, moderator=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(self._shown(question))

    @extend_schema(request=FlagSerializer, responses={201: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def flag(self, request, pk=None):
        """Flag a question once; the third distinct flag hides it pending review."""
        question = self.get_object()
        require(request, permissions.flag_access(request.user, question), "flag question")
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.flag_create(user=request.user, question=question, **serializer.validated_data)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=FlagSerializer, responses={201: None, **ERRORS})
    @action(detail=True, methods=["post"], url_path="answer/flag", url_name="answer-flag")
    def answer_flag(self, request, pk=None):
        """Flag the answer to a question once; the third distinct flag hides it."""
        answer = self.get_object().given_answer
        if answer is None or answer.is_hidden:
            require(request, Access.NOT_FOUND, "flag answer")
        require(request, permissions.flag_access(request.user, answer), "flag answer")
        serializer = FlagSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.flag_create(user=request.user, answer=answer, **serializer.validated_data)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Hide a question (and its answer with it), with a reason (moderators)."""
        return self._moderate(request, pk, "question", "hide")

    @extend_schema(request=OptionalReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Show a hidden question again (moderators)."""
        return self._moderate(request, pk, "question", "restore")

    @extend_schema(request=ReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"], url_path="answer/hide", url_name="answer-hide")
    def answer_hide(self, request, pk=None):
        """Hide the answer to a question, with a reason (moderators)."""
        return self._moderate(request, pk, "answer", "hide")

    @extend_schema(request=OptionalReasonSerializer, responses={200: None, **ERRORS})
    @action(detail=True, methods=["post"], url_path="answer/restore", url_name="answer-restore")
    def answer_restore(self, request, pk=None):
        """Show the hidden answer to a question again (moderators)."""
        return self._moderate(request, pk, "answer", "restore")

    def _moderate(self, request, pk, kind, what):
        access = permissions.conversation_moderation_access(request.user)
        require(request, access, f"{what} {kind}")
        item = question = self._question(pk)
        if kind == "answer":
            item = question.given_answer
            if item is None:
                require(request, Access.NOT_FOUND, f"{what} {kind}")
        serializer = ReasonSerializer if what == "hide" else OptionalReasonSerializer
        reason = serializer(data=request.data)
        reason.is_valid(raise_exception=True)
        function = services.item_hide if what == "hide" else services.item_restore
        function(item=item, moderator=request.user, reason=reason.validated_data["reason"])
        return Response({"detail": done_message(kind, item, what)})
