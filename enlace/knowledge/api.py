"""``/api/v1/recommendations/``, ``/api/v1/plan/actions/``, ``/api/v1/implementation-reports/``."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action as drf_action
from django.http import Http404
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from enlace.sharing.actions import do_change_sharing
from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer
from enlace.sharing.policy import Distribution

from . import actions as ka
from .filters import REPORT_JOINS, ReportFilter, actions_for, plan_action_rows, recommendation_rows, recommendations_for
from .models import ImplementationReport, PlanAction, Recommendation, ReportingRound
from .parsing import normalize_key

FILTER_PARAMS = [
    OpenApiParameter("q", str, description="Texto libre (sin acentos ni mayúsculas, con raíces en español)"),
    OpenApiParameter("group", str, enum=["tim", "tdp", "plan"]),
    OpenApiParameter("meeting", int), OpenApiParameter("year", int),
    OpenApiParameter("theme", str), OpenApiParameter("axis", int),
]


def _themes(obj):
    # ``taggings`` is prefetched (active only) by ``filters.recommendation_rows`` / ``plan_action_rows``.
    return [{"code": t.theme.code, "name": t.theme.name, "status": t.status} for t in obj.taggings.all()]


class RecommendationSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="meeting.group")
    meeting = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    parent = serializers.CharField(source="parent.key", default=None)

    class Meta:
        model = Recommendation
        fields = ["key", "group", "meeting", "number", "letter", "parent", "text", "items", "footnotes", "themes",
                  "actions"]

    def get_meeting(self, obj) -> dict:
        m = obj.meeting
        return {"ordinal": m.ordinal, "roman": m.roman, "year": m.year, "dates": m.dates, "place": m.place,
                "symbol": m.document.symbol}

    def get_items(self, obj) -> list:
        if obj.parent_id:
            return []
        return [{"key": c.key, "letter": c.letter, "text": c.text} for c in obj.children.all()]

    def get_themes(self, obj) -> list:
        return _themes(obj)

    def get_actions(self, obj) -> list:
        return [{"key": link.action.key, "status": link.status, "score": link.score} for link in obj.action_links.all()]


class PlanActionSerializer(serializers.ModelSerializer):
    axis = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()
    draft_predecessors = serializers.SerializerMethodField()

    class Meta:
        model = PlanAction
        fields = ["key", "axis", "number", "text", "items", "footnotes", "themes", "recommendations",
                  "draft_predecessors"]

    def get_axis(self, obj) -> dict:
        return {"number": obj.axis.number, "title": obj.axis.title}

    def get_themes(self, obj) -> list:
        return _themes(obj)

    def get_recommendations(self, obj) -> list:
        return [{"key": link.recommendation.key, "status": link.status, "score": link.score}
                for link in obj.recommendation_links.all()]

    def get_draft_predecessors(self, obj) -> list:
        return [p.key for p in obj.predecessors.all()]


class _ListFromFilters:
    """Lists come from the shared search filterset (``filters.SearchFilter``), ranked when ``q`` is given."""

    def list(self, request, *args, **kwargs):
        rows = self.filtered(request)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(parameters=FILTER_PARAMS)
class RecommendationViewSet(_ListFromFilters, viewsets.ReadOnlyModelViewSet):
    serializer_class = RecommendationSerializer
    lookup_field = "key"
    lookup_value_regex = r"[A-Za-z]{3}-[IVXivx]+-\d+(?:-[a-z])?"
    filter_backends = []

    def get_queryset(self):
        return recommendation_rows(self.request.user, "view").filter(withdrawn=False)

    def get_object(self):
        obj = self.get_queryset().filter(key=normalize_key(self.kwargs["key"])).first()
        if obj is None:
            raise Http404
        return obj

    def filtered(self, request):
        return recommendations_for(request.user, request.query_params)


@extend_schema(parameters=FILTER_PARAMS)
class PlanActionViewSet(_ListFromFilters, viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanActionSerializer
    lookup_field = "key"
    lookup_value_regex = r"\d+\.\d+"
    filter_backends = []

    def get_queryset(self):
        return plan_action_rows(self.request.user, "view")

    def get_object(self):
        obj = self.get_queryset().filter(key=self.kwargs["key"]).first()
        if obj is None:
            raise Http404
        return obj

    def filtered(self, request):
        return actions_for(request.user, request.query_params)


class ImplementationReportSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(queryset=ReportingRound.objects.all())
    action = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                   help_text="Clave de la acción del plan, p. ej. 1.4")
    recommendation = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                           help_text="Clave de la recomendación, p. ej. TIM-II-24")
    target = serializers.CharField(source="target_key", read_only=True)
    country = serializers.CharField(source="owner_institution.country.code", read_only=True)
    share = serializers.ChoiceField(choices=[Distribution.COUNTRY, Distribution.NETWORK], write_only=True,
                                    required=False, default=Distribution.COUNTRY)

    class Meta:
        model = ImplementationReport
        fields = ["id", "round", "action", "recommendation", "target", "country", "status", "narrative",
                  "responsible_institution", "next_steps", "state", "submitted_at", "validated_at",
                  "validation_note", "share", "owner_institution", "owner_country", "distribution", "handling_codes"]
        read_only_fields = ["state", "submitted_at", "validated_at", "validation_note"]


def _django_to_drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})


class ImplementationReportViewSet(ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                  mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Reports of the countries. Writes go through the knowledge actions (audited); submitting and
    validating are decisions of the policy (``ImplementationReport.write_rules``): 404 for anyone else."""

    queryset = ImplementationReport.objects.select_related(*REPORT_JOINS).none()
    serializer_class = ImplementationReportSerializer
    sharing_actions = {"submit": "submit", "validate": "validate", "share": "share"}
    filterset_class = ReportFilter

    def _save(self, serializer, report=None):
        d = serializer.validated_data
        try:
            if report is None:
                target = {}
                if d.get("action"):
                    target["action"] = ka.resolve_action(d["action"])
                if d.get("recommendation"):
                    target["recommendation"] = ka.resolve_recommendation(d["recommendation"])
                if not target:
                    raise DjangoValidationError({"action": _("Indique «action» (p. ej. 1.4) o «recommendation» (p. ej. TIM-II-24).")})
            else:
                target = {"action": report.action, "recommendation": report.recommendation}
            return ka.do_save_report(
                self.request.user, round=report.round if report else d["round"],
                status=d.get("status", report.status if report else ImplementationReport.Status.NOT_STARTED),
                narrative=d.get("narrative", report.narrative if report else ""),
                responsible_institution=d.get("responsible_institution",
                                              report.responsible_institution if report else ""),
                next_steps=d.get("next_steps", report.next_steps if report else ""),
                distribution=d.get("share", report.distribution if report else Distribution.COUNTRY),
                report=report, **target)
        except DjangoValidationError as exc:
            raise _django_to_drf(exc) from exc

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("knowledge.change_implementationreport"):
            raise DRFPermissionDenied()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = self._save(serializer)
        return Response(self.get_serializer(report).data, status=201)

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = self.get_serializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        report = self._save(serializer, report)
        return Response(self.get_serializer(report).data)

    @drf_action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        try:
            report = ka.do_submit_report(request.user, report)
        except DjangoValidationError as exc:
            raise _django_to_drf(exc) from exc
        return Response(self.get_serializer(report).data)

    @drf_action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        report = self.get_object()
        approve = str(request.data.get("decision", "approve")) != "return"
        try:
            report = ka.do_validate_report(request.user, report, approve=approve,
                                           note=str(request.data.get("note", ""))[:2000])
        except DjangoValidationError as exc:
            raise _django_to_drf(exc) from exc
        return Response(self.get_serializer(report).data)

    @drf_action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        report = self.get_object()
        target = request.data.get("distribution")
        if target not in (Distribution.COUNTRY, Distribution.NETWORK):
            raise ValidationError({"distribution": [_("Use «country» (solo su país) o «network» (toda la red).")]})
        report = do_change_sharing(request.user, report, distribution=target)
        return Response(self.get_serializer(report).data)
