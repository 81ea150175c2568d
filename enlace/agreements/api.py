"""API for national systems (/api/v1/acuerdos/...): the agreement register and what was shared under it.

Read only: agreements are registered and decided by the Cancillerías in the pages (a decision that
narrows audiences deserves a person looking at it). Reads go through the policy (base viewset).
"""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer

from .models import Agreement, AgreementShare


class AgreementSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    parties = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Agreement
        fields = ["id", "title", "kind", "status", "parties", "starts_on", "ends_on", "purposes", "data_categories",
                  "response_days", "limit_intelligence_only", "limit_no_judicial_use", "text_version",
                  "owner_institution", "owner_country", "distribution", "handling_codes"]


class AgreementShareSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = AgreementShare
        fields = ["id", "agreement", "record_type", "record_id", "record_label", "purpose", "created_at", "stopped_at",
                  "owner_institution", "owner_country", "distribution"]


class _ReadOnly(ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class AgreementViewSet(_ReadOnly):
    """Agreements the official's country may see (its own and those it is party to)."""

    queryset = Agreement.objects.select_related("owner_institution__country").prefetch_related("parties").none()
    serializer_class = AgreementSerializer


class AgreementShareViewSet(_ReadOnly):
    """What the official's country shared under agreements (and when it stopped being shared)."""

    queryset = AgreementShare.objects.select_related("owner_institution__country").none()
    serializer_class = AgreementShareSerializer
