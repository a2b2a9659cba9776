"""/api/v1/cases/{number}/evaluation/: the mobile app's 一事一评 — the case's rating as it stands (with what the
office put right), and rating a concluded case. /api/v1/items/{impl_code}/questions/ and /api/v1/questions/:
在线咨询 — an item's published FAQs, asking about it, the caller's questions (or their agency's), answering.
/api/v1/hotline/work-orders/: the 12345 hotline's work orders, signed."""

from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from zerovisit.cases.selectors import case_for_actor, is_case_staff
from zerovisit.core.api import TextField, invalid_parameter
from zerovisit.core.errors import DomainError, NotFound, PermissionDenied
from zerovisit.core.openapi import ErrorSerializer

from . import hotline, selectors, services
from .models import ONLINE_ITEMS, Evaluation, Question, Rating


class RectificationSerializer(serializers.Serializer):
    status = serializers.CharField()
    due = serializers.DateField()
    action = serializers.CharField(help_text="what the office put right, once it has")


class EvaluationSerializer(serializers.ModelSerializer):
    rectification = serializers.SerializerMethodField()
    second_rating = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = ["rating", "items", "comment", "anonymous", "created_at", "rectification", "second_rating"]

    @extend_schema_field(RectificationSerializer(allow_null=True))
    def get_rectification(self, evaluation):
        rectification = getattr(evaluation, "rectification", None)
        return RectificationSerializer(rectification).data if rectification else None

    def get_second_rating(self, evaluation) -> int | None:
        second = getattr(evaluation, "second", None)
        return second.rating if second else None


class NewEvaluationSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices, help_text="5 非常满意 … 1 非常不满意")
    items = serializers.ListField(child=serializers.ChoiceField(choices=list(ONLINE_ITEMS)), required=False,
                                  max_length=len(ONLINE_ITEMS), help_text="what was not satisfactory")  # fmt: skip
    comment = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_TEXT)
    anonymous = serializers.BooleanField(required=False, default=False)


class CaseEvaluationView(APIView):
    """The case's first rating; posting rates a concluded case (once, by its applicant)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=EvaluationSerializer)
    def get(self, request, number):
        evaluation = selectors.evaluation_of(case_for_actor(request.user, number))
        if evaluation is None:
            raise NotFound(_("This case has not been rated."))
        return Response(EvaluationSerializer(evaluation).data)

    @extend_schema(request=NewEvaluationSerializer, responses={201: EvaluationSerializer})
    def post(self, request, number):
        given = NewEvaluationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        evaluation = services.evaluate_case(actor=request.user, number=number, **given.validated_data)
        return Response(EvaluationSerializer(selectors.evaluation_of(evaluation.case)).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip


class FaqSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="faq_question")
    answer = serializers.CharField(source="faq_answer")

    class Meta:
        model = Question
        fields = ["id", "question", "answer", "published_at"]


class QuestionSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="impl_code", help_text="the item's implementation code")
    item_name = serializers.CharField(source="item.name")
    answered = serializers.BooleanField(source="is_answered")
    published = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["id", "item", "item_name", "text", "asked_at", "due_at", "answered", "answer", "answered_at",
                  "published"]  # fmt: skip

    def get_published(self, question) -> bool:
        return question.published_at is not None


class NewQuestionSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=services.MAX_QUESTION)


class AnswerSerializer(serializers.Serializer):
    answer = TextField(max_length=services.MAX_TEXT)


class ItemQuestionsView(generics.ListAPIView):
    """GET: the item's published FAQs, the latest first (anyone). POST: ask the item's agency (signed in); it
    answers within ZV_CONSULTATION_ANSWER_HOURS office hours."""

    serializer_class = FaqSerializer
    queryset = Question.objects.none()

    def get_permissions(self):
        return [permissions.IsAuthenticated()] if self.request.method == "POST" else [permissions.AllowAny()]

    def get_queryset(self):
        return selectors.faq_of(self.kwargs["impl_code"])

    @extend_schema(request=NewQuestionSerializer, responses={201: QuestionSerializer, 429: ErrorSerializer})
    def post(self, request, impl_code):
        given = NewQuestionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        question = services.ask_question(actor=request.user, impl_code=impl_code, **given.validated_data)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionListView(generics.ListAPIView):
    """The caller's questions, the latest first; for an agency's staff, `?queue=waiting` (the earliest due first)
    or `?queue=answered` lists their agency's instead."""

    serializer_class = QuestionSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Question.objects.none()

    @extend_schema(parameters=[OpenApiParameter("queue", enum=["waiting", "answered"], required=False)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queue = self.request.query_params.get("queue")
        if queue is None:
            return selectors.questions_asked_by(self.request.user)
        if queue not in ("waiting", "answered"):
            raise invalid_parameter("queue", "invalid_queue", _("queue is waiting or answered."))
        if not is_case_staff(self.request.user):
            raise PermissionDenied(_("Only an agency's staff answer its questions."))
        return selectors.question_queue(self.request.user, answered=queue == "answered")


class AnswerQuestionView(APIView):
    """The agency's answer to one of its questions, once; the asker is told."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AnswerSerializer, responses=QuestionSerializer)
    def post(self, request, pk):
        given = AnswerSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        question = services.answer_question(actor=request.user, question_id=pk, **given.validated_data)
        return Response(QuestionSerializer(question).data)


class BadSignature(DomainError):
    code = "bad_signature"
    status = 401


class WorkOrderView(APIView):
    """12345: the hotline sends a work order (工单), signed with the shared secret (X-Timestamp, X-Signature); it
    becomes a rectification for the agency it names. Sending one again is harmless."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer("WorkOrder", {
            "work_order": serializers.CharField(max_length=40, help_text="the hotline's number of the work order"),
            "agency": serializers.CharField(max_length=18, help_text="the agency's unified social credit code"),
            "content": serializers.CharField(max_length=2000, help_text="what the caller complained of"),
            "case_number": serializers.CharField(required=False, help_text="the case concerned, if any"),
            "reference": serializers.CharField(required=False, help_text="a rating pushed to the hotline: "
                                               "zv-evaluation-<id>; its rectification takes the work order"),
            "caller": inline_serializer("WorkOrderCaller", {"name": serializers.CharField(required=False),
                                                            "phone": serializers.CharField(required=False)}),
            "due": serializers.DateField(required=False, help_text="a later day than 5 working days from now"),
        }),
        responses={201: inline_serializer("WorkOrderTaken", {"rectification": serializers.IntegerField()}),
                   200: inline_serializer("WorkOrderTakenBefore", {"rectification": serializers.IntegerField()}),
                   401: ErrorSerializer},
    )  # fmt: skip
    def post(self, request):
        try:
            body = request.body  # the signature is over these bytes
        except RawPostDataException:  # a form, already parsed: there is no body left to check
            raise DomainError(_("Send the work order as JSON."), code="json_required") from None
        try:
            rectification, new = services.receive_work_order(body, request.headers)
        except hotline.BadSignature as exc:
            raise BadSignature(_("The work order is not correctly signed: %(why)s") % {"why": exc}) from exc
        return Response({"rectification": rectification.pk}, status=201 if new else 200)
