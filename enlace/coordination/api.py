"""API for national systems (/api/v1/coordinacion/...): national coordination messages (send, read,
answer) and the country's protocol. Reads through the policy; writes through the actions."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from enlace.exchange import choices as exchange_choices
from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer

from . import actions
from .models import NationalMessage, NationalRoute


def _drf_error(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"non_field_errors": exc.messages})


class NationalMessageSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = NationalMessage
        fields = ["id", "kind", "priority", "subject", "body", "to_institution", "routed_by_protocol", "status",
                  "due_at", "overdue_at", "answer", "answered_at", "created_at", "owner_institution", "owner_country",
                  "distribution"]


class NationalSendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=exchange_choices.KINDS)
    priority = serializers.ChoiceField(choices=exchange_choices.PRIORITIES, default="normal")
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    to_institution = serializers.IntegerField(required=False, min_value=1,
                                              help_text="Omit to route by the country's protocol.")


class NationalAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=20000)


class NationalRouteSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = NationalRoute
        fields = ["id", "kind", "from_type", "answered_by", "owner_institution", "owner_country"]


class _ReadOnly(ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class NationalMessageViewSet(_ReadOnly):
    """Messages of the official's country; only the addressed institution answers (404 otherwise)."""

    queryset = NationalMessage.objects.select_related("owner_institution__country").none()
    serializer_class = NationalMessageSerializer
    sharing_actions = {"send": "list", "answer": "answer"}

    @extend_schema(request=NationalSendSerializer, responses={201: NationalMessageSerializer})
    @action(detail=False, methods=["post"], url_path="enviar")
    def send(self, request):
        """Send to an institution of one's own country, or let the national protocol route it."""
        data = NationalSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = actions.do_send_national_message(request.user, dict(data.validated_data))
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(NationalMessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NationalAnswerSerializer, responses=NationalMessageSerializer)
    @action(detail=True, methods=["post"], url_path="respuesta")
    def answer(self, request, pk=None):
        message = self.get_object()
        data = NationalAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = actions.do_answer_national_message(request.user, message, answer=data.validated_data["answer"])
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(NationalMessageSerializer(message).data)


class NationalRouteViewSet(_ReadOnly):
    """The country's own protocol: who answers which kind of message from which type of institution."""

    queryset = NationalRoute.objects.select_related("owner_institution__country").none()
    serializer_class = NationalRouteSerializer
