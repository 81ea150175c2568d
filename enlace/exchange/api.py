"""API of the exchange (``/api/v1/exchange/…``) so national systems can send and receive."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from enlace.api.parsers import FormParser, JSONParser, MultiPartParser  # bounded, no NUL (issue 16)
from enlace.core.pdf import pdf_bytes
from enlace.core.uploads import read_decrypted
from enlace.sharing.access import audit_listing
from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer

from . import actions, choices, documents
from .filters import MlaDraftFilter, ThreadFilter
from .models import (Attachment, ForwardRequest, Message, MlaDraft, MlaVersion, Receipt, Thread,
                     access_attachment_by_id, access_mladraft_by_id)


def _api_errors(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return APIValidationError(exc.message_dict)
    return APIValidationError({"non_field_errors": exc.messages})


def _gate(request):
    if not actions.can_exchange(request.user):
        raise PermissionDenied(str(_("Solo los puntos focales autorizados por su Cancillería y vigentes pueden "
                                             "usar el intercambio seguro.")))


_MESSAGE_JOINS = ("owner_institution__country", "created_by")


# --- serializers --------------------------------------------------------------------------------------

class ReceiptSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Receipt
        fields = ["country", "delivered_at", "acknowledged_at", "answered_at", "overdue_at", "escalated_at"]


class MessageSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    author = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "thread", "body", "is_answer", "author", "owner_institution", "owner_country", "created_at",
                  "distribution", "handling_codes"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "thread", "message", "filename", "mime", "size", "sha256", "created_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return f"/api/v1/exchange/attachments/{obj.pk}/download/"


class ThreadSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    recipient_countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    recipient_users = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    sender = serializers.CharField(source="created_by.username", default=None, read_only=True)

    class Meta:
        model = Thread
        fields = ["id", "kind", "subject", "body", "details", "priority", "due_at", "status", "source_grading",
                  "info_grading", "recipient_countries", "recipient_users", "sender", "owner_institution",
                  "owner_country", "sent_at", "closed_at", "case_reference", "distribution", "handling_codes"]


class ThreadDetailSerializer(ThreadSerializer):
    messages = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    receipts = serializers.SerializerMethodField()

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "messages", "attachments", "receipts"]

    def _user(self):
        return self.context["request"].user

    def get_messages(self, obj) -> list[dict]:
        qs = Message.objects.restrict(self._user(), "view").filter(thread=obj).select_related(*_MESSAGE_JOINS)
        return MessageSerializer(qs, many=True).data

    def get_attachments(self, obj) -> list[dict]:
        return AttachmentSerializer(Attachment.objects.restrict(self._user(), "view").filter(thread=obj),
                                    many=True).data

    def get_receipts(self, obj) -> list[dict]:
        qs = Receipt.objects.restrict(self._user(), "view").filter(thread=obj).select_related("country")
        return ReceiptSerializer(qs, many=True).data


class ThreadWriteSerializer(serializers.Serializer):
    kind = serializers.CharField()
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    details = serializers.DictField(required=False)
    priority = serializers.CharField(required=False)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    source_grading = serializers.CharField(required=False)
    info_grading = serializers.CharField(required=False)
    recipient_countries = serializers.ListField(child=serializers.CharField(), required=False)
    recipient_contacts = serializers.ListField(child=serializers.IntegerField(), required=False)
    case_reference = serializers.CharField(required=False, allow_blank=True)
    handling_intelligence_only = serializers.BooleanField(required=False)
    handling_no_judicial_use = serializers.BooleanField(required=False)
    handling_no_onward_sharing = serializers.BooleanField(required=False)
    handling_other = serializers.CharField(required=False, allow_blank=True)
    draft = serializers.BooleanField(required=False, default=False,
                                     help_text="true: save as a draft (seen only by your institution)")


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True)
    is_answer = serializers.BooleanField(required=False, default=False)


class ForwardRequestSerializer(serializers.ModelSerializer):
    target_country = serializers.CharField(source="target_country.code")
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)

    class Meta:
        model = ForwardRequest
        fields = ["id", "thread", "target_country", "reason", "status", "requested_by", "created_at", "decided_at"]
        read_only_fields = ["thread", "status", "created_at", "decided_at"]


class ForwardRequestWriteSerializer(serializers.Serializer):
    target_country = serializers.CharField(max_length=5)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class MlaVersionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="created_by.username", default=None, read_only=True)
    country = serializers.CharField(source="owner_institution.country.code", read_only=True)

    class Meta:
        model = MlaVersion
        fields = ["id", "number", "content", "checklist", "note", "author", "country", "created_at"]


class MlaDraftSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    requested_country = serializers.CharField(source="requested_country.code", read_only=True)
    latest = serializers.SerializerMethodField()
    checklist_items = serializers.SerializerMethodField()

    class Meta:
        model = MlaDraft
        fields = ["id", "title", "requested_country", "owner_institution", "owner_country", "formal_status",
                  "formal_reference", "formal_status_at", "latest", "checklist_items", "distribution",
                  "handling_codes"]

    def get_latest(self, obj) -> dict | None:
        # A list passes the latest version of every draft of the page, read in one query.
        latest = self.context.get("latest")
        if latest is not None:
            v = latest.get(obj.pk)
        else:
            user = self.context["request"].user
            v = MlaVersion.objects.restrict(user, "view").filter(draft=obj).select_related(
                "owner_institution__country", "created_by").order_by("-number").first()
        return MlaVersionSerializer(v).data if v else None

    def get_checklist_items(self, obj) -> list[dict]:
        return choices.mla_checklist(obj.requested_country.code)


class MlaDraftWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    requested_country = serializers.CharField()
    content = serializers.DictField(required=False)


class MlaVersionWriteSerializer(serializers.Serializer):
    content = serializers.DictField()
    checklist = serializers.ListField(child=serializers.CharField(), required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class MlaStatusSerializer(serializers.Serializer):
    formal_status = serializers.ChoiceField(choices=MlaDraft.FormalStatus.choices)
    formal_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)


# --- viewsets -----------------------------------------------------------------------------------------

class _ExchangeGate:
    """The exchange is for authorised focal points (defence in depth: the policy already demands
    cross-border standing for anything shared beyond the user's country)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _gate(request)


class ThreadViewSet(_ExchangeGate, ProtectedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Threads the caller may see. POST sends (or saves a draft); send ``Idempotency-Key`` to make retries safe.

    Steps are the policy's decisions: ``close`` (originator), ``messages`` POST ("reply") and
    ``attachments`` POST ("attach") by the thread's parties; ``acknowledge``, ``delivered`` and
    ``forward-requests`` POST are decisions on the caller's country's receipt (the action answers
    404 to anyone else). Reading a thread writes nothing: delivery is ``POST delivered/``.
    """

    queryset = (Thread.objects.select_related("owner_institution__country", "created_by")
                .prefetch_related("recipient_countries", "recipient_users").none())
    serializer_class = ThreadSerializer
    filterset_class = ThreadFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Steps decided on the caller's receipt read the thread with "list" (no audit read event: the
    # step's own action logs what it did).
    sharing_actions = {"list": "list", "retrieve": "view", "acknowledge": "list", "delivered": "list",
                       "messages": "list", "close": "close", "forward_requests": "list", "attachments": "list"}
    _POST_DECISIONS = {"messages": "reply", "attachments": "attach"}

    def sharing_action(self) -> str:
        if self.request.method == "POST" and self.action in self._POST_DECISIONS:
            return self._POST_DECISIONS[self.action]
        return super().sharing_action()

    def get_queryset(self):
        return super().get_queryset().order_by("-sent_at", "-created_at", "-pk")

    def retrieve(self, request, *args, **kwargs):
        thread = self.get_object()
        return Response(ThreadDetailSerializer(thread, context={"request": request}).data)

    @extend_schema(request=ThreadWriteSerializer, responses={201: ThreadDetailSerializer},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)])
    def create(self, request, *args, **kwargs):
        ser = ThreadWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        as_draft = data.pop("draft", False)
        key = request.headers.get("Idempotency-Key", "")
        try:
            if as_draft:
                thread, created = actions.do_save_draft(request.user, data), True
            else:
                thread, created = actions.do_send_thread(request.user, data, idempotency_key=key)
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        body = ThreadDetailSerializer(thread, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses={200: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        thread = self.get_object()
        try:
            receipt = actions.do_acknowledge_thread(request.user, thread)
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(ReceiptSerializer(receipt).data)

    @extend_schema(request=None, responses={200: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def delivered(self, request, pk=None):
        """The caller's country has the thread (delivery receipt); 404 for anyone but a recipient."""
        thread = self.get_object()
        actions.do_mark_delivered(request.user, thread)
        receipt = actions.own_receipt(request.user, thread, "deliver")
        return Response(ReceiptSerializer(receipt).data)

    @extend_schema(request=ReplySerializer, responses={201: MessageSerializer},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)])
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk=None):
        thread = self.get_object()
        if request.method == "GET":
            qs = Message.objects.restrict(request.user, "list").filter(thread=thread).select_related(*_MESSAGE_JOINS)
            data = MessageSerializer(qs, many=True).data
            audit_listing(request.user, Message, [m["id"] for m in data])
            return Response(data)
        ser = ReplySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            message, created = actions.do_reply_thread(request.user, thread, body=ser.validated_data["body"],
                                                       is_answer=ser.validated_data["is_answer"],
                                                       idempotency_key=request.headers.get("Idempotency-Key", ""))
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(MessageSerializer(message).data, status=201 if created else 200)

    @extend_schema(request=None, responses={200: ThreadSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        thread = self.get_object()
        try:
            thread = actions.do_close_thread(request.user, thread)
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(ThreadSerializer(thread).data)

    @extend_schema(request=ForwardRequestWriteSerializer, responses={201: ForwardRequestSerializer})
    @action(detail=True, methods=["get", "post"], url_path="forward-requests")
    def forward_requests(self, request, pk=None):
        thread = self.get_object()
        if request.method == "GET":
            qs = ForwardRequest.objects.restrict(request.user, "list").filter(thread=thread).select_related(
                *_FORWARD_JOINS)
            return Response(ForwardRequestSerializer(qs, many=True).data)
        ser = ForwardRequestWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            fr = actions.do_request_forward(request.user, thread, target_country=ser.validated_data["target_country"],
                                            reason=ser.validated_data.get("reason", ""))
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(ForwardRequestSerializer(fr).data, status=201)

    @extend_schema(request=UploadSerializer, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request, pk=None):
        thread = self.get_object()
        if request.method == "GET":
            qs = Attachment.objects.restrict(request.user, "list").filter(thread=thread)
            data = AttachmentSerializer(qs, many=True).data
            audit_listing(request.user, Attachment, [a["id"] for a in data])
            return Response(data)
        upload = request.FILES.get("file")
        if upload is None:
            raise APIValidationError({"file": [_("Elija un archivo.")]})
        try:
            att = actions.do_add_attachment(request.user, thread, upload)
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(AttachmentSerializer(att).data, status=201)


_FORWARD_JOINS = ("target_country", "requested_by")


class ForwardRequestViewSet(_ExchangeGate, ProtectedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Forward requests the caller may see; the originating institution approves or refuses ("decide")."""

    queryset = ForwardRequest.objects.select_related(*_FORWARD_JOINS).none()
    serializer_class = ForwardRequestSerializer
    sharing_actions = {"approve": "decide", "refuse": "decide"}

    def _decide(self, request, approve):
        fr = self.get_object()
        try:
            fr = actions.do_decide_forward(request.user, fr, approve=approve)
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(ForwardRequestSerializer(fr).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._decide(request, False)


class AttachmentViewSet(_ExchangeGate, ProtectedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Attachments the caller may see; ``download`` is an audited read of the decrypted file."""

    queryset = Attachment.objects.none()
    serializer_class = AttachmentSerializer
    sharing_actions = {"download": "view"}

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        att = access_attachment_by_id(request.user, pk, purpose=request.headers.get("X-Purpose", "descarga"))
        try:
            data = read_decrypted(att.stored_path)
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        response = HttpResponse(data, content_type=att.mime)
        safe = "".join(ch for ch in att.filename if ch.isalnum() or ch in "._- ") or "adjunto"
        response["Content-Disposition"] = f'attachment; filename="{safe}"'
        return response


class MlaDraftViewSet(ProtectedViewSetMixin, viewsets.GenericViewSet):
    """Joint MLA drafts: the drafting parties add versions ("version"); the requesting institution
    records the formal status ("formal_status"); export DOCX/PDF."""

    queryset = MlaDraft.objects.select_related("owner_institution__country", "requested_country").none()
    serializer_class = MlaDraftSerializer
    filterset_class = MlaDraftFilter
    sharing_actions = {"list": "list", "retrieve": "view", "versions": "list", "formal_status": "formal_status",
                       "export": "export"}

    def sharing_action(self) -> str:
        if self.request.method == "POST" and self.action == "versions":
            return "version"
        return super().sharing_action()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        latest = {}
        versions = MlaVersion.objects.restrict(request.user, "view").filter(draft__in=[d.pk for d in page]).select_related(
            "owner_institution__country", "created_by").order_by("draft_id", "number")
        for v in versions:
            latest[v.draft_id] = v  # ordered by number: the last one wins
        data = MlaDraftSerializer(page, many=True, context={"request": request, "latest": latest}).data
        audit_listing(request.user, MlaDraft, [r["id"] for r in data], query=request.GET.urlencode())
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(MlaDraftSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=MlaDraftWriteSerializer, responses={201: MlaDraftSerializer})
    def create(self, request, *args, **kwargs):
        ser = MlaDraftWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            draft = actions.do_create_mla_draft(request.user, title=ser.validated_data["title"],
                                                requested_country=ser.validated_data["requested_country"],
                                                content=ser.validated_data.get("content") or {})
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(MlaDraftSerializer(draft, context={"request": request}).data, status=201)

    @extend_schema(request=MlaVersionWriteSerializer, responses={201: MlaVersionSerializer})
    @action(detail=True, methods=["get", "post"])
    def versions(self, request, pk=None):
        draft = self.get_object()
        if request.method == "GET":
            qs = MlaVersion.objects.restrict(request.user, "list").filter(draft=draft).select_related(
                "owner_institution__country", "created_by").order_by("number")
            data = MlaVersionSerializer(qs, many=True).data
            audit_listing(request.user, MlaVersion, [v["id"] for v in data])
            return Response(data)
        ser = MlaVersionWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            version = actions.do_save_mla_version(request.user, draft, content=ser.validated_data["content"],
                                                  checklist=ser.validated_data.get("checklist") or [],
                                                  note=ser.validated_data.get("note", ""))
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(MlaVersionSerializer(version).data, status=201)

    @extend_schema(request=MlaStatusSerializer, responses={200: MlaDraftSerializer})
    @action(detail=True, methods=["post"], url_path="formal-status")
    def formal_status(self, request, pk=None):
        draft = self.get_object()
        ser = MlaStatusSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            draft = actions.do_set_mla_formal_status(request.user, draft, status=ser.validated_data["formal_status"],
                                                     reference=ser.validated_data.get("formal_reference", ""))
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(MlaDraftSerializer(draft, context={"request": request}).data)

    @extend_schema(parameters=[OpenApiParameter("fmt", str, enum=["docx", "pdf"])],
                   responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        draft = access_mladraft_by_id(request.user, pk, "export", purpose=request.headers.get("X-Purpose", ""))
        latest = MlaVersion.objects.restrict(request.user, "view").filter(draft=draft).order_by("-number").first()
        fmt = request.query_params.get("fmt", "docx")
        if latest is None or fmt not in ("docx", "pdf"):
            raise APIValidationError({"fmt": [_("Use fmt=docx o fmt=pdf.")]})
        if fmt == "docx":
            response = HttpResponse(documents.mla_docx(draft, latest), content_type=documents.DOCX_TYPE)
        else:
            title, blocks = documents.mla_blocks(draft, latest)
            response = HttpResponse(pdf_bytes(title, blocks), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="asistencia-juridica-{draft.pk}.{fmt}"'
        return response
