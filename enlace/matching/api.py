"""API of hit/no-hit: hits of the user's institution, their decisions, and the records released to it.

Reads go through the policy (hits and releases need cross-border standing); the decisions (judge,
request a release, decide a release) are write rules of ``HitNotice``: anyone else gets a 404.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from enlace.api.pagination import WindowedPagination
from enlace.sharing.api import ProtectedReadOnlyViewSet, SharingFieldsSerializer

from . import actions
from .filters import HitNoticeFilter, ReleasedRecordFilter
from .models import HitNotice, ReleasedRecord
from .presentation import hide_unreadable_people


class HitNoticeSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    # A document/phone notice may have no case entity: then both are null (``own_label`` names the record).
    own_record = serializers.CharField(source="own_person.caption", read_only=True, allow_null=True, default=None)
    own_case = serializers.CharField(source="own_person.case.reference", read_only=True, allow_null=True, default=None)
    other_country = serializers.CharField(source="other_country.code", read_only=True)
    other_institution = serializers.CharField(source="other_institution.__str__", read_only=True)

    class Meta:
        model = HitNotice
        fields = ["id", "subject", "own_record", "own_label", "own_case", "other_country", "other_institution",
                  "probability", "explanation", "status", "release", "release_purpose", "release_requested_at",
                  "reply_due_at", "escalated_at", "role_conflict", "role_reviewed_at", "history", "created_at",
                  "owner_country", "distribution", "handling_codes"]


class JudgementSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["same", "not_same", "unsure"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReleaseRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(min_length=10, max_length=300)


class ReleaseDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class ReleasedRecordSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = ReleasedRecord
        fields = ["id", "pair_key", "content", "created_at", "owner_institution", "owner_country", "distribution",
                  "handling_codes"]


def _invalid(exc: ValidationError):
    return serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else
                                       {"non_field_errors": exc.messages})


class HitNoticePagination(WindowedPagination):
    """Hits newest first (``HitNotice.Meta.ordering``): a client walking every hit follows ``next_cursor``."""

    cursor_field = "created_at"


class HitNoticeViewSet(ProtectedReadOnlyViewSet):
    queryset = HitNotice.objects.select_related(
        "own_person__case", "other_country", "other_institution__country", "owner_institution__country").none()
    serializer_class = HitNoticeSerializer
    filterset_class = HitNoticeFilter
    pagination_class = HitNoticePagination
    sharing_actions = {"judge": "judge", "request_release": "request_release", "decide_release": "decide_release",
                       "review_role": "review_role"}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return hide_unreadable_people(self.request.user, page) if page is not None else None

    def get_object(self):
        return hide_unreadable_people(self.request.user, [super().get_object()])[0]

    @extend_schema(request=JudgementSerializer, responses=HitNoticeSerializer)
    @action(detail=True, methods=["post"])
    def judge(self, request, pk=None):
        notice = self.get_object()
        data = JudgementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            notice = actions.do_judge_hit(request.user, notice, data.validated_data["verdict"],
                                          data.validated_data.get("note", ""))
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(HitNoticeSerializer(hide_unreadable_people(request.user, [notice])[0]).data)

    @extend_schema(request=ReleaseRequestSerializer, responses={202: None})
    @action(detail=True, methods=["post"], url_path="request-release")
    def request_release(self, request, pk=None):
        notice = self.get_object()
        data = ReleaseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.do_request_release(request.user, notice, data.validated_data["purpose"])
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=ReleaseDecisionSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="decide-release")
    def decide_release(self, request, pk=None):
        notice = self.get_object()
        data = ReleaseDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            actions.do_decide_release(request.user, notice, data.validated_data["approve"])
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


    @extend_schema(request=None, responses=HitNoticeSerializer)
    @action(detail=True, methods=["post"], url_path="review-role")
    def review_role(self, request, pk=None):
        """The owner confirms it reviewed its own record's role (a role conflict blocks any release until then)."""
        notice = self.get_object()
        try:
            notice = actions.do_review_hit_role(request.user, notice)
        except ValidationError as exc:
            raise _invalid(exc) from None
        return Response(HitNoticeSerializer(hide_unreadable_people(request.user, [notice])[0]).data)


class ReleasedRecordViewSet(ProtectedReadOnlyViewSet):
    queryset = ReleasedRecord.objects.select_related("owner_institution__country").none()
    serializer_class = ReleasedRecordSerializer
    filterset_class = ReleasedRecordFilter
