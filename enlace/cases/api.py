"""API for cases, entities, links, route legs and imports. Reads: restrict(); writes: actions.

Every viewset declares its joins (``queryset = ....select_related(...).none()``, restricted by the
base viewset) and one filterset shared with the pages; every DRF action maps to a sharing action.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enlace.api.pagination import WindowedPagination
from enlace.api.parsers import FormParser, JSONParser, MultiPartParser  # bounded, no NUL (issue 16)
from enlace.sharing.access import access_by_id
from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer

from . import actions, importing
from .filters import CaseFilter, EntityFilter, ImportBatchFilter, LinkFilter, RouteLegFilter
from .ftm import case_to_ftm
from .models import Case, Entity, ImportBatch, Link, ModusOperandiTag, RouteLeg
from .validation import CellError, clean_country, clean_date, clean_phones


def _drf_error(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


def _case_for_write(request, case_id):
    return access_by_id(Case, request.user, case_id, "change")


class CaseSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="code", many=True, queryset=ModusOperandiTag.objects.all(),
                                        required=False)

    class Meta:
        model = Case
        fields = ["id", "reference", "title", "case_type", "status", "summary", "opened_on", "closed_on",
                  "facts_from", "facts_to", "tags", "source_grade", "info_grade", "allow_matching",
                  "owner_institution", "owner_country", "distribution", "handling_codes", "created_at", "updated_at"]
        read_only_fields = ["reference", "created_at", "updated_at"]


class EntitySerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    caption = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Entity.Role.choices, required=False, allow_blank=True)

    class Meta:
        model = Entity
        fields = ["id", "case", "schema", "ftm_id", "caption", "role", "role_reviewed", "given_names", "surname_1",
                  "surname_2", "sex", "dob", "nationality", "phones", "name", "doc_type", "doc_number",
                  "doc_country", "properties", "allow_matching", "child_protection", "owner_institution",
                  "owner_country", "distribution", "handling_codes"]
        read_only_fields = ["ftm_id", "role_reviewed", "child_protection"]

    def validate(self, attrs):
        try:
            for key in ("nationality", "doc_country"):
                if key in attrs:
                    attrs[key] = clean_country(attrs[key])
            if attrs.get("dob"):
                attrs["dob"] = clean_date(attrs["dob"])
            if "phones" in attrs:
                attrs["phones"] = clean_phones(attrs["phones"])
        except CellError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return attrs


class LinkSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    source = serializers.IntegerField(source="source_id")
    target = serializers.IntegerField(source="target_id", required=False, allow_null=True)

    class Meta:
        model = Link
        fields = ["id", "case", "kind", "source", "target", "value", "details", "owner_institution", "owner_country",
                  "distribution", "handling_codes"]


class RouteLegSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")

    class Meta:
        model = RouteLeg
        fields = ["id", "case", "order", "from_place", "from_country", "from_lat", "from_lon", "to_place",
                  "to_country", "to_lat", "to_lon", "means", "departed_on", "arrived_on", "notes",
                  "owner_institution", "owner_country", "distribution", "handling_codes"]


class ImportBatchSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")

    class Meta:
        model = ImportBatch
        fields = ["id", "case", "file_name", "file_format", "header", "mapping", "status", "total_rows",
                  "imported_count", "errors", "created_at", "finished_at"]
        read_only_fields = fields


class ImportRunSerializer(serializers.Serializer):
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class ImportUploadSerializer(ImportRunSerializer):
    case = serializers.IntegerField()
    file = serializers.FileField()
    run = serializers.BooleanField(default=False, help_text="Check and queue the import at once (202).")


class ImportProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text="queued, running, done or failed")
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    status = serializers.CharField(help_text="The batch's status: uploaded, failed or imported.")
    imported_count = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class ImportQueuedSerializer(ImportBatchSerializer):
    progress = ImportProgressSerializer()
    url = serializers.URLField()
    progress_url = serializers.URLField()

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "progress", "url", "progress_url"]


class ImportErrorSerializer(serializers.Serializer):
    """``{"error": {"status", "code", "message", "fields", "batch", "lines"}}``."""

    error = serializers.DictField()


class RoleReviewSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Entity.Role.choices)


class _Base(ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class CaseViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, _Base):
    queryset = Case.objects.select_related("owner_institution__country").prefetch_related("tags").none()
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    sharing_actions = {"ftm": "export"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", [])
        try:
            serializer.instance = actions.do_create_case(self.request.user, tags=tags, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        try:
            serializer.instance = actions.do_update_case(self.request.user, serializer.instance, tags=tags, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.add_case"):
            raise Http404
        return super().create(request, *args, **kwargs)

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}})
    @action(detail=True, methods=["get"], url_path="ftm")
    def ftm(self, request, pk=None):
        """The case's entities and links as FollowTheMoney JSON (audited export)."""
        case = access_by_id(Case, request.user, pk, "export", purpose=request.headers.get("X-Purpose", ""))
        entities = Entity.objects.restrict(request.user, "export").filter(case=case).order_by("pk")
        links = Link.objects.restrict(request.user, "export").filter(case=case).select_related("source", "target")
        rows = case_to_ftm(entities, links)
        return Response(rows)


class EntityViewSet(mixins.CreateModelMixin, _Base):
    queryset = Entity.objects.select_related("owner_institution__country").none()
    serializer_class = EntitySerializer
    filterset_class = EntityFilter
    # Counted only ten pages past the requested one: a search of two common words over 6.5 M entities
    # counted up to 10 001 matches before answering the first page (issue 17).
    pagination_class = WindowedPagination
    sharing_actions = {"review_role": "review_role"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = _case_for_write(self.request, data.pop("case_id"))
        try:
            serializer.instance = actions.do_add_entity(self.request.user, case, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None

    @extend_schema(request=RoleReviewSerializer, responses=EntitySerializer)
    @action(detail=True, methods=["post"], url_path="review-role")
    def review_role(self, request, pk=None):
        """Confirm (or correct) a person's role: a decision of the owner institution (else 404)."""
        entity = self.get_object()
        data = RoleReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entity = actions.do_review_role(request.user, entity, role=data.validated_data["role"])
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return Response(EntitySerializer(entity).data)


class LinkViewSet(mixins.CreateModelMixin, _Base):
    queryset = Link.objects.select_related("owner_institution__country").none()
    serializer_class = LinkSerializer
    filterset_class = LinkFilter

    def perform_create(self, serializer):
        data = serializer.validated_data
        case = _case_for_write(self.request, data["case_id"])
        entities = Entity.objects.restrict(self.request.user, "change").filter(case=case)
        try:
            source = entities.get(pk=data["source_id"])
            target = entities.get(pk=data["target_id"]) if data.get("target_id") else None
        except Entity.DoesNotExist:
            raise serializers.ValidationError({"source": [_("Entidad no encontrada en el caso.")]}) from None
        try:
            serializer.instance = actions.do_add_link(self.request.user, case, kind=data["kind"], source=source,
                                                      target=target, value=data.get("value", ""),
                                                      details=data.get("details"))
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None


class RouteLegViewSet(mixins.CreateModelMixin, _Base):
    queryset = RouteLeg.objects.select_related("owner_institution__country").none()
    serializer_class = RouteLegSerializer
    filterset_class = RouteLegFilter

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        case = _case_for_write(self.request, data.pop("case_id"))
        try:
            serializer.instance = actions.do_add_route_leg(self.request.user, case, **data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None


class ImportBatchViewSet(_Base):
    queryset = ImportBatch.objects.none()
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    sharing_actions = {"run": "change", "progress": "view"}

    @extend_schema(request=ImportUploadSerializer, responses={
        201: ImportBatchSerializer,
        202: OpenApiResponse(ImportQueuedSerializer, description="``run: true``: the import was queued; poll "
                             "``progress_url`` (or the batch) until ``state`` is ``done`` or ``failed``."),
        400: OpenApiResponse(ImportErrorSerializer, description="Bad file, or (``run: true``) line-level errors: "
                             "nothing imported.")})
    def create(self, request):
        """Upload a file for a case: checked, stored encrypted, header guessed. Run it with ``/run/``, or at
        once with ``run: true`` (then answered like ``/run/``: 202 and the progress URL)."""
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        case = _case_for_write(request, upload.validated_data["case"])
        try:
            batch = actions.do_upload_import(request.user, case, upload.validated_data["file"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from None
        if not upload.validated_data.get("run"):
            return Response(ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)
        return self._queue(request, batch, upload.validated_data.get("mapping"))

    @extend_schema(request=ImportRunSerializer, responses={
        202: OpenApiResponse(ImportQueuedSerializer, description="Queued: poll ``progress_url`` (or the batch) "
                             "until ``state`` is ``done`` or ``failed``."),
        400: OpenApiResponse(ImportErrorSerializer, description="Line-level errors (``error.lines``: line, column, "
                             "message): nothing imported.")})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Check every line now (errors answer 400 at once, nothing imported), then import all of it in the
        background (``enlace worker``): 202 with the URL to poll."""
        batch = self.get_object()
        params = ImportRunSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._queue(request, batch, params.validated_data.get("mapping"))

    def _queue(self, request, batch, mapping):
        from .tasks import queue_import

        try:
            if batch.status == ImportBatch.Status.IMPORTED:
                raise DjangoValidationError(_("Esta importación ya se realizó."))
            if mapping and batch.file_format != ImportBatch.Format.FTM:  # multipart gives {} when absent
                batch = actions.do_set_import_mapping(request.user, batch, mapping)
            if importing.line_errors(batch):
                # The same action records the failure (audited, nothing imported) and the errors, at once.
                batch = actions.do_run_import(request.user, batch)
                return Response(_import_error(batch), status=status.HTTP_400_BAD_REQUEST)
            queue_import(request.user, batch)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from None
        batch.refresh_from_db()
        body = _queued(request, batch)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["progress_url"]})

    @extend_schema(request=None, responses=ImportProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """How far the import got (``state``: queued, running, done, failed), for polling.

        Counts and states only: no audit read event (a poll every second would flood the chain, and
        it would wait on the import's open transaction)."""
        batch = ImportBatch.objects.restrict(request.user, "view").filter(pk=pk).first() if str(pk).isdigit() else None
        if batch is None:
            raise Http404
        return Response(_progress(batch))


def _progress(batch) -> dict:
    progress = importing.get_progress(batch.pk) or {}
    state = progress.get("state") or {ImportBatch.Status.IMPORTED: "done",
                                      ImportBatch.Status.FAILED: "failed"}.get(batch.status, "")
    return {"id": batch.pk, "state": state, "done": progress.get("done", 0),
            "total": progress.get("total") or batch.total_rows, "status": batch.status,
            "imported_count": batch.imported_count, "errors": batch.errors if state in ("done", "failed") else []}


def _queued(request, batch) -> dict:
    return {**ImportBatchSerializer(batch).data, "progress": _progress(batch),
            "url": request.build_absolute_uri(reverse("api:cases_api:case-import-detail", args=[batch.pk])),
            "progress_url": request.build_absolute_uri(reverse("api:cases_api:case-import-progress", args=[batch.pk]))}


def _import_error(batch) -> dict:
    """The uniform error body, with every line-level error (line, column, letter, message) in ``lines``."""
    message = _("El archivo tiene errores: no se importó nada. Corrija las líneas indicadas y vuelva a subirlo.")
    return {"error": {"status": 400, "code": "import_invalid", "message": message,
                      "fields": {"file": [importing.error_text(e) for e in batch.errors[:100]]},
                      "batch": batch.pk, "lines": batch.errors}}
