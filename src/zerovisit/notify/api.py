"""/api/v1/messages/: a person's in-app messages for the mobile app: the list, the unread count, marking read."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Message
from .services import inbox, mark_read, unread_count


class MessageSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "event", "case_number", "title", "body", "created_at", "read", "read_at"]

    def get_read(self, message) -> bool:
        return message.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="the messages to mark read; all of them without it",
    )


class MessageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's in-app messages, newest first (`?unread=1` for the unread ones only)."""

    serializer_class = MessageSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Message.objects.none()  # the caller's own, from get_queryset

    def get_queryset(self):
        messages = inbox(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            messages = messages.filter(read_at__isnull=True)
        return messages

    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, pagination_class=None)
    def unread(self, request):
        return Response({"unread": unread_count(request.user)})

    @extend_schema(request=MarkReadSerializer,
                   responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))  # fmt: skip
    @action(detail=False, methods=["post"], pagination_class=None)
    def read(self, request):
        given = MarkReadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return Response({"marked": mark_read(user=request.user, message_ids=given.validated_data.get("ids"))})
