"""API for national systems (/api/v1/centros/...): centres and crisis levels, stays, occupancy figures.

Reads go through the policy (declared joins restricted by the base viewset); writes through the
actions. Figures of other countries are only ever returned aggregated with small cells suppressed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, parser_classes
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from enlace.api.parsers import MultiPartParser  # bounded, no NUL (issue 16)
from enlace.sharing.access import access_by_id
from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer

from enlace.sharing.policy import Distribution

from . import actions, choices, figures
from .forms import NO_PUBLIC
from .filters import CentreFilter, CrisisLevelFilter, FigureSetFilter, StayFilter
from .models import Centre, CrisisLevel, FigureSet, Stay


def _drf_error(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"non_field_errors": exc.messages})


class _Base(ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class CentreSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    services = serializers.ListField(source="service_codes", child=serializers.CharField(), read_only=True)
    capacity = serializers.IntegerField(read_only=True)

    class Meta:
        model = Centre
        fields = ["id", "name", "centre_type", "place", "lat", "lon", "capacity", "capacity_men", "capacity_women",
                  "capacity_families", "capacity_children", "services", "crisis_level", "thresholds",
                  "escalation_plan", "active", "owner_institution", "owner_country", "distribution",
                  "handling_codes"]


class CrisisInputSerializer(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=4)
    reason = serializers.CharField(max_length=1000)


class CrisisLevelSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = CrisisLevel
        fields = ["id", "centre", "level", "previous_level", "reason", "occupancy_pct", "incidents",
                  "alert_thread_id", "alerted_countries", "created_at", "owner_country", "distribution"]


class CentreViewSet(_Base):
    queryset = Centre.objects.select_related("owner_institution__country").none()
    serializer_class = CentreSerializer
    filterset_class = CentreFilter
    sharing_actions = {"crisis": "crisis"}

    @extend_schema(request=CrisisInputSerializer, responses=CrisisLevelSerializer)
    @action(detail=True, methods=["post"])
    def crisis(self, request, pk=None):
        """Change the centre's crisis level; the neighbouring countries' centre coordinators are alerted."""
        centre = self.get_object()
        data = CrisisInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change = actions.do_set_crisis_level(request.user, centre, **data.validated_data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(CrisisLevelSerializer(change).data, status=status.HTTP_201_CREATED)


class CrisisLevelViewSet(_Base):
    queryset = CrisisLevel.objects.select_related("owner_institution__country").none()
    serializer_class = CrisisLevelSerializer
    filterset_class = CrisisLevelFilter


class StaySerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    centre = serializers.IntegerField(source="centre_id")
    vulnerabilities = serializers.ListField(source="vulnerability_codes", child=serializers.ChoiceField(
        choices=choices.VULNERABILITIES), required=False)
    care_decision = serializers.ListField(child=serializers.ChoiceField(choices=choices.CARE_DECISIONS),
                                          required=False, write_only=True)
    referral_kinds = serializers.ListField(child=serializers.ChoiceField(choices=choices.REFERRALS), required=False,
                                           write_only=True)
    biometric_refs = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                           max_length=20)
    documents_seen = serializers.ListField(child=serializers.DictField(), required=False, max_length=20)
    nationality = serializers.CharField(max_length=10)

    class Meta:
        model = Stay
        fields = ["id", "centre", "entry_date", "entry_place", "entry_mode", "given_names", "surname_1", "surname_2",
                  "sex", "dob", "nationality", "doc_type", "doc_number", "identity_verified", "documents_seen",
                  "biometric_refs", "age_band", "profile", "vulnerabilities", "care_decision", "referral_kinds", "referrals",
                  "exit_date", "exit_reason", "exit_destination", "identity_status", "identity_matches",
                  "child_protection", "allow_matching", "owner_institution", "owner_country", "distribution",
                  "handling_codes"]
        read_only_fields = ["referrals", "exit_date", "exit_reason", "exit_destination", "identity_status",
                            "identity_matches", "child_protection"]


class ExitSerializer(serializers.Serializer):
    exit_date = serializers.DateField()
    exit_reason = serializers.ChoiceField(choices=choices.EXIT_REASONS)
    destination = serializers.CharField(max_length=200, required=False, allow_blank=True)


class StayViewSet(mixins.CreateModelMixin, _Base):
    queryset = Stay.objects.select_related("owner_institution__country").none()
    serializer_class = StaySerializer
    filterset_class = StayFilter
    sharing_actions = {"exit": "exit", "check_abroad": "check_abroad"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        centre = access_by_id(Centre, self.request.user, data.pop("centre_id"), "register")
        if "vulnerability_codes" in data:
            data["vulnerabilities"] = data.pop("vulnerability_codes")
        data["referrals"] = data.pop("referral_kinds", [])
        try:
            serializer.instance = actions.do_register_entry(self.request.user, centre, data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        if actions.may_check_abroad(self.request.user, serializer.instance):
            # At entry, as on the page: its own audited action (the result is read with check_abroad).
            actions.do_check_stay_abroad(self.request.user, serializer.instance)

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("centres.add_stay"):
            raise Http404
        return super().create(request, *args, **kwargs)

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["post"])
    def check_abroad(self, request, pk=None):
        """Hit/no-hit of the stay in other countries: per hit only the country, the subject and the
        hit notice to follow (``/api/v1/hits/<id>/``); details only through the release flow."""
        from django.core.exceptions import PermissionDenied

        from enlace.matching.models import HitNotice

        stay = self.get_object()
        try:
            stay = actions.do_check_stay_abroad(request.user, stay)
        except PermissionDenied as exc:
            return Response({"error": {"status": 403, "code": "no_cross_border_standing", "message": str(exc),
                                       "fields": {}}}, status=status.HTTP_403_FORBIDDEN)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        notices = (HitNotice.objects.restrict(request.user, "view").filter(pk__in=stay.abroad_notices)
                   .select_related("other_country").order_by("pk"))
        return Response({"checked_at": stay.abroad_checked_at,
                         "hits": [{"notice": n.pk, "country": n.other_country.code, "subject": n.subject}
                                  for n in notices]})

    @extend_schema(request=ExitSerializer, responses=StaySerializer)
    @action(detail=True, methods=["post"])
    def exit(self, request, pk=None):
        """Register the exit (date, reason, destination)."""
        stay = self.get_object()
        data = ExitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            stay = actions.do_register_exit(request.user, stay, exit_date=data.validated_data["exit_date"],
                                            exit_reason=data.validated_data["exit_reason"],
                                            destination=data.validated_data.get("destination", ""))
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(StaySerializer(stay).data)


class FigureSetSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    """Cells and totals only for the reader's own country; other countries' sets say only that they exist
    (their figures are in ``/centros/ocupacion/``, aggregated and suppressed)."""

    cells = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    class Meta:
        model = FigureSet
        fields = ["id", "centre", "centre_name", "date", "source", "cells", "total", "capacity", "owner_country",
                  "distribution"]

    def _own(self, obj) -> bool:
        user = self.context["request"].user
        return bool(user.institution_id) and obj.owner_institution.country_id == user.institution.country_id

    def get_cells(self, obj) -> list | None:
        return obj.cells if self._own(obj) else None

    def get_total(self, obj) -> int | None:
        return obj.total if self._own(obj) else None


class FigureSetViewSet(_Base):
    queryset = FigureSet.objects.select_related("owner_institution__country").none()
    serializer_class = FigureSetSerializer
    filterset_class = FigureSetFilter


@extend_schema(parameters=[OpenApiParameter("date", OpenApiTypes.DATE)], responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def occupancy(request):
    """Regional occupancy for a date: the caller's country in full, every other country aggregated with
    cells below 11 suppressed (``suppressed_cells`` says how many)."""
    if not request.user.has_perm("centres.view_figureset"):
        raise Http404
    from .views import _day, dashboard_data

    try:
        day = _day(request)
    except DjangoValidationError as exc:
        raise ValidationError({"date": exc.messages}) from None
    _sets, blocks = dashboard_data(request.user, day)
    return Response({"date": day.isoformat(), "small_cell": choices.SMALL_CELL, "countries": [
        {"country": b.code, "own": b.own, "total": b.total, "suppressed_cells": b.suppressed_cells,
         "capacity": b.capacity if b.own else None,
         "centres": [{k: c[k] for k in ("name", "total", "capacity", "pct")} for c in b.centres] if b.own else [],
         "cells": [{"nationality": k[0], "sex": k[1], "age_band": k[2], "vulnerability": k[3], "count": n}
                   for k, n in sorted(b.cells.items())]} for b in blocks],
        "charts": figures.chart_series(blocks)})


class FigureImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The XLSX template (``/centros/cifras/plantilla.xlsx``), filled in.")
    distribution = serializers.ChoiceField(choices=NO_PUBLIC, default=Distribution.NETWORK)


class FigureImportProgressSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="queued, running, done or failed")
    done = serializers.IntegerField(help_text="Lines read so far.")
    sets = serializers.IntegerField(help_text="Figure sets imported (when done).")
    errors = serializers.ListField(child=serializers.CharField(), help_text="«línea N, columna X: …» (when failed).")
    progress_url = serializers.URLField()


def _figure_import_body(request, token) -> dict:
    from enlace.jobs.models import Progress

    from .tasks import progress_key

    progress = Progress.objects.filter(key=progress_key(token), user_id=request.user.pk).first()
    if progress is None:
        raise Http404
    url = request.build_absolute_uri(reverse("api:centres_api:figure-import-progress", args=[token]))
    return {"state": progress.state, "done": progress.done, "sets": progress.result.get("sets", 0),
            "errors": progress.result.get("errors", []), "progress_url": url}


@extend_schema(request={"multipart/form-data": FigureImportSerializer}, responses={
    202: OpenApiResponse(FigureImportProgressSerializer, description="Queued: poll ``progress_url`` until "
                         "``state`` is ``done`` or ``failed`` (then ``errors`` lists every line and column)."),
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Not an XLSX, empty or too large (uniform error body).")})
@api_view(["POST"])
@parser_classes([MultiPartParser])
def figures_import(request):
    """Import occupancy figures of centres not registered in Enlace from the XLSX template, in the
    background (``enlace worker``): all of the file or nothing."""
    if not request.user.has_perm("centres.add_figureset"):
        raise Http404
    data = FigureImportSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    from .tasks import queue_figures_import

    try:
        token = queue_figures_import(request.user, data.validated_data["file"], data.validated_data["distribution"])
    except DjangoValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    body = _figure_import_body(request, token)
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["progress_url"]})


@extend_schema(responses=FigureImportProgressSerializer)
@api_view(["GET"])
def figures_import_progress(request, token):
    """How far a figures import got; only for the official who sent the file (else 404)."""
    if not request.user.has_perm("centres.add_figureset"):
        raise Http404
    return Response(_figure_import_body(request, token))
