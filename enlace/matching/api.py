from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from enlace.sharing.api import ProtectedReadOnlyViewSet, SharingFieldsSerializer

from . import actions
from .models import HitNotice, ReleasedRecord


class HitNoticeSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    own_record = serializers.CharField(source="own_person.caption", read_only=True)
    own_case = serializers.CharField(source="own_person.case.reference", read_only=True)
    other_country = serializers.CharField(source="other_country.code", read_only=True)
    other_institution = serializers.CharField(source="other_institution.__str__", read_only=True)

    class Meta:
        model = HitNotice
        fields = ["id", "own_record", "own_case", "other_country", "other_institution", "probability", "explanation",
                  "status", "release", "release_purpose", "created_at", "owner_country", "distribution", "handling_codes"]


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


def _run(fn):
    try:
        fn()
    except PermissionDenied as exc:
        return Response({"error": {"status": 403, "code": "permission_denied", "message": str(exc)}}, status=403)
    except ValidationError as exc:
        return Response({"error": {"status": 400, "code": "invalid", "message": exc.messages[0],
                                   "fields": getattr(exc, "message_dict", {})}}, status=400)
    return None


class HitNoticeViewSet(ProtectedReadOnlyViewSet):
    queryset = HitNotice.objects.none()
    serializer_class = HitNoticeSerializer
    filterset_fields = ["status", "release"]
    sharing_actions = {"judge": "view", "request_release": "view", "decide_release": "view"}

    def get_queryset(self):
        return super().get_queryset().select_related("own_person__case", "other_country", "other_institution",
                                                     "owner_institution__country")

    @extend_schema(request=JudgementSerializer, responses=HitNoticeSerializer)
    @action(detail=True, methods=["post"])
    def judge(self, request, pk=None):
        notice = self.get_object()
        data = JudgementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        error = _run(lambda: actions.do_judge_hit(request.user, notice, data.validated_data["verdict"],
                                                   data.validated_data.get("note", "")))
        return error or Response(HitNoticeSerializer(HitNotice.objects.restrict(request.user, "view").get(pk=notice.pk)).data)

    @extend_schema(request=ReleaseRequestSerializer, responses=HitNoticeSerializer)
    @action(detail=True, methods=["post"], url_path="request-release")
    def request_release(self, request, pk=None):
        notice = self.get_object()
        data = ReleaseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        error = _run(lambda: actions.do_request_release(request.user, notice, data.validated_data["purpose"]))
        return error or Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=ReleaseDecisionSerializer, responses=None)
    @action(detail=True, methods=["post"], url_path="decide-release")
    def decide_release(self, request, pk=None):
        notice = self.get_object()
        data = ReleaseDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        error = _run(lambda: actions.do_decide_release(request.user, notice, data.validated_data["approve"]))
        return error or Response(status=status.HTTP_204_NO_CONTENT)


class ReleasedRecordViewSet(ProtectedReadOnlyViewSet):
    queryset = ReleasedRecord.objects.none()
    serializer_class = ReleasedRecordSerializer
    filterset_fields = ["pair_key"]
