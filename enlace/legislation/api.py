"""API of the legislation capability (/api/v1/legislacion/...). Every read goes through the policy."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from enlace.sharing.api import ProtectedReadOnlyViewSet, SharingFieldsSerializer

from . import matrix as mx
from .filters import (AnswerFilter, IndicatorFilter, InstrumentFilter, ProvisionFilter, RequirementFilter, RoundFilter,
                      SubmissionFilter)
from .models import Answer, Indicator, Instrument, Provision, Requirement, Round, Submission


class IndicatorSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement.code", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "code", "requirement", "kind", "question_es", "question_en", "options"]


class RequirementSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Requirement
        fields = ["id", "code", "protocol", "article", "title_es", "title_en", "indicators"]


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data for any verified official; the declared joins of ``queryset`` are kept."""

    def get_queryset(self):
        declared = self.queryset
        qs = declared.model.objects.restrict(self.request.user, "list" if self.action == "list" else "view")
        qs.query.select_related = declared.query.select_related
        return qs.prefetch_related(*declared._prefetch_related_lookups)


class RequirementViewSet(ReferenceViewSet):
    queryset = Requirement.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order"))).none()
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilter


class IndicatorViewSet(ReferenceViewSet):
    queryset = Indicator.objects.select_related("requirement").none()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter


class RoundSerializer(serializers.ModelSerializer):
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Round
        fields = ["id", "title", "deadline", "status", "countries", "opened_at", "closed_at"]


class RoundViewSet(ReferenceViewSet):
    queryset = Round.objects.prefetch_related("countries").none()
    serializer_class = RoundSerializer
    filterset_class = RoundFilter


class InstrumentSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = Instrument
        fields = ["id", "kind", "title", "number", "enacted_on", "official_url", "in_force", "owner_institution",
                  "owner_country", "distribution", "handling_codes"]


class InstrumentViewSet(ProtectedReadOnlyViewSet):
    queryset = Instrument.objects.select_related("owner_institution__country").none()
    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilter


class ProvisionSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    requirements = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    citation = serializers.CharField(read_only=True)

    class Meta:
        model = Provision
        fields = ["id", "instrument", "article", "citation", "text", "in_force_since", "requirements",
                  "owner_institution", "owner_country", "distribution", "handling_codes"]


class ProvisionViewSet(ProtectedReadOnlyViewSet):
    queryset = Provision.objects.select_related("instrument", "owner_institution__country").prefetch_related(
        "requirements").none()
    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilter


class SubmissionSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)
    round_title = serializers.CharField(source="round.title", read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "round", "round_title", "country", "status", "public_consent", "submitted_at", "validated_at", "demo",
                  "owner_institution", "owner_country", "distribution", "handling_codes"]


class SubmissionViewSet(ProtectedReadOnlyViewSet):
    queryset = Submission.objects.select_related("round", "country", "owner_institution__country").none()
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter


class AnswerSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    country = serializers.CharField(source="submission.country.code", read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "submission", "country", "indicator", "status", "years", "options", "citation", "comment",
                  "owner_institution", "owner_country", "distribution", "handling_codes"]


class AnswerViewSet(ProtectedReadOnlyViewSet):
    queryset = Answer.objects.select_related("indicator", "submission__country", "owner_institution__country").none()
    serializer_class = AnswerSerializer
    filterset_class = AnswerFilter


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def matrix_api(request):
    """The comparative matrix: validated answers the caller may read (``?protocol=TIM|TDP&round=<id>``)."""
    protocol = request.GET.get("protocol", "")
    protocol = protocol if protocol in ("TIM", "TDP") else ""
    rnd = None
    if request.GET.get("round", "").isdigit():
        rnd = Round.objects.restrict(request.user, "view").filter(pk=int(request.GET["round"])).first()
    m = mx.build_matrix(request.user, round=rnd, protocol=protocol, indicator=request.GET.get("indicator", ""))
    return Response({
        "countries": [c.code for c in m.countries],
        "rows": [{"indicator": ind.code, "requirement": ind.requirement.code, "article": ind.requirement.article,
                  "protocol": ind.requirement.protocol,
                  "cells": {c.code: {"level": cell.level, "text": str(cell.text), "citation": cell.citation}
                            for c, cell in zip(m.countries, cells)}} for ind, cells in m.rows],
        "penalties": m.penalties,
    })
