"""API for national systems (/api/v1/equipos/...): joint teams, their workspace entries, and the answer
to an invitation. Reads go through the policy (base viewset); the answer through the action."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer

from . import actions
from .models import JointTeam, TeamEntry, TeamMember


class TeamMemberSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["country", "status", "decided_at"]


class JointTeamSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    members = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = JointTeam
        fields = ["id", "name", "purpose", "status", "starts_on", "ends_on", "agreement", "purpose_code", "members",
                  "owner_institution", "owner_country", "distribution"]


class TeamEntrySerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = TeamEntry
        fields = ["id", "team", "kind", "title", "body", "due_on", "done", "record_type", "record_id", "filename",
                  "size", "created_at", "owner_institution", "owner_country", "distribution"]


class TeamAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class _ReadOnly(ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class JointTeamViewSet(_ReadOnly):
    """Teams the official's country created, was invited to or belongs to."""

    queryset = (JointTeam.objects.select_related("owner_institution__country")
                .prefetch_related("members__country").none())
    serializer_class = JointTeamSerializer
    sharing_actions = {"answer": "accept"}

    @extend_schema(request=TeamAnswerSerializer, responses=JointTeamSerializer)
    @action(detail=True, methods=["post"], url_path="respuesta")
    def answer(self, request, pk=None):
        """Accept or decline the invitation (the invited country's authorised officials; 404 otherwise)."""
        team = self.get_object()
        data = TeamAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.do_answer_team_invitation(request.user, team, accept=data.validated_data["accept"])
        except DjangoValidationError as exc:
            raise ValidationError({"non_field_errors": exc.messages}) from None
        team = JointTeam.objects.restrict(request.user, "view").prefetch_related("members__country").get(pk=team.pk)
        return Response(JointTeamSerializer(team).data)


class TeamEntryViewSet(_ReadOnly):
    """The workspace entries (tasks, documents, shared records, events) of teams the country belongs to."""

    queryset = TeamEntry.objects.select_related("owner_institution__country").none()
    serializer_class = TeamEntrySerializer
