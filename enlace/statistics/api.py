"""API for national systems (/api/v1/estadisticas/...): inventory, submissions (push), regional figures.

Reads go through the policy; other countries' cells are only ever the published ones; writes go
through the actions (a push is all-or-nothing, like the template).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer
from enlace.sharing.policy import is_secretariat

from . import actions, figures
from .models import Cell, DatabaseEntry, Period, Submission


class _Base(ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class DatabaseEntrySerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    maturity = serializers.IntegerField(read_only=True)

    class Meta:
        model = DatabaseEntry
        fields = ["id", "name", "holder", "content", "coverage", "legal_basis", "frequency", "access_rules",
                  "completeness", "timeliness_days", "duplicates_pct", "formats", "has_api", "feeds_enlace",
                  "maturity", "owner_institution", "owner_country", "distribution", "handling_codes"]


class DatabaseEntryViewSet(_Base):
    queryset = DatabaseEntry.objects.select_related("owner_institution__country").none()
    serializer_class = DatabaseEntrySerializer


class StatsSubmissionSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code", read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "page", "period", "country", "version", "is_current", "status", "channel", "completeness",
                  "reason", "locked_at"]

    def get_page(self, obj) -> str:
        return f"/estadisticas/envios/{obj.pk}/"


class CellInput(serializers.Serializer):
    indicator = serializers.CharField(max_length=30)
    dimension = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    category = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    value = serializers.IntegerField()


class PushSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=12)
    cells = CellInput(many=True, max_length=20000)


class SubmissionViewSet(_Base):
    """Submissions the caller may read. ``retrieve`` gives the cells: the whole table for the caller's
    own country, only the published cells for another country. ``create`` is the push of national
    systems: the period's draft of the caller's country is replaced, or nothing changes."""

    queryset = Submission.objects.select_related("period", "country").none()
    serializer_class = StatsSubmissionSerializer
    sharing_actions = {"create": "list"}

    def get_serializer_class(self):
        return PushSerializer if self.action == "create" else StatsSubmissionSerializer

    def retrieve(self, request, *args, **kwargs):
        sub = self.get_object()
        cells = Cell.objects.filter(submission=sub)  # the submission was read through the policy
        if sub.country_id != figures.own_country_id(request.user):
            cells = cells.filter(published=True)
        data = StatsSubmissionSerializer(sub).data
        data["cells"] = [{"indicator": i, "dimension": d, "category": c, "value": v} for i, d, c, v in
                         cells.order_by("indicator__code", "dimension", "category").values_list(
                             "indicator__code", "dimension", "category", "value")]
        return Response(data)

    @extend_schema(request=PushSerializer, responses={201: StatsSubmissionSerializer})
    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("stats.add_submission") or is_secretariat(request.user):
            raise Http404
        ser = PushSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        period = Period.objects.filter(code=ser.validated_data["period"]).first()
        if period is None:
            raise ValidationError({"period": [_("Período desconocido.")]})
        values = {(c["indicator"], c["dimension"], c["category"]): c["value"] for c in ser.validated_data["cells"]}
        try:
            sub = actions.do_save_submission(request.user, period, values, channel=Submission.Channel.API)
        except DjangoValidationError as exc:
            raise ValidationError({"cells": exc.messages}) from None
        return Response(StatsSubmissionSerializer(sub).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[OpenApiParameter("period", OpenApiTypes.STR), OpenApiParameter("indicator", OpenApiTypes.STR)],
               responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def regional(request):
    """Regional figures of a period as the caller may see them (give-to-get, small cells suppressed);
    ``indicator`` limits the breakdowns to one indicator (totals and flows are always whole)."""
    if not request.user.has_perm("stats.view_submission"):
        raise Http404
    code = str(request.query_params.get("period", ""))[:12]
    if "\x00" in code:
        raise ValidationError({"period": [_("Período desconocido.")]})
    period = Period.objects.filter(code=code).first() if code else Period.objects.first()
    if period is None:
        raise ValidationError({"period": [_("Período desconocido.")]})
    indicator = str(request.query_params.get("indicator", ""))[:30]
    view = figures.regional(request.user, period, breakdown_for=[indicator] if indicator else None)
    return Response({"period": period.code, "small_cell": 11, "given": view.given, "countries": view.countries,
                     "totals": view.totals, "breakdown": view.breakdown,
                     "flows": [{"from": o, "to": d, "value": v} for (o, d), v in sorted(view.flows.items())]})
