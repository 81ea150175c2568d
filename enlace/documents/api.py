"""API of the document register and of the hit/no-hit query of one number.

The register is read through the policy like any protected record; a new entry is written by
``do_report_document``. The query (``POST /api/v1/documents/query/``) answers ``{"hit": false}`` or
the countries and institutions to ask with the id of the asker's notice (``/api/v1/hits/<id>/``),
where the details are requested (``request-release``) exactly as for persons.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from enlace.sharing.api import ProtectedViewSetMixin, SharingFieldsSerializer
from enlace.sharing.policy import Distribution

from . import actions
from .models import DocumentReport, NumberEntry


class DocumentReportSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    class Meta:
        model = DocumentReport
        fields = ["id", "doc_type", "number", "issuing_country", "status", "reported_on", "note", "withdrawn",
                  "created_at", "owner_institution", "owner_country", "distribution", "handling_codes"]


class DocumentReportInputSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=DocumentReport.DocType.choices)
    number = serializers.CharField(max_length=60)
    issuing_country = serializers.CharField(max_length=3)
    status = serializers.ChoiceField(choices=DocumentReport.Status.choices)
    reported_on = serializers.DateField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    distribution = serializers.ChoiceField(choices=[Distribution.NETWORK, Distribution.COUNTRY,
                                                    Distribution.INSTITUTION], default=Distribution.NETWORK)


class DocumentReportViewSet(ProtectedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    queryset = DocumentReport.objects.select_related("owner_institution__country").none()
    serializer_class = DocumentReportSerializer

    @extend_schema(request=DocumentReportInputSerializer, responses={201: DocumentReportSerializer})
    def create(self, request, *args, **kwargs):
        data = DocumentReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = actions.do_report_document(request.user, **data.validated_data)
        return Response(DocumentReportSerializer(report).data, status=status.HTTP_201_CREATED)


class QueryInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NumberEntry.Kind.choices)
    number = serializers.CharField(max_length=60)


class QueryHitSerializer(serializers.Serializer):
    country = serializers.CharField(source="other_country.code")
    country_name = serializers.CharField(source="other_country.name")
    institution = serializers.CharField(source="other_institution.name")
    hit_id = serializers.IntegerField(source="pk")


class NumberQueryView(APIView):
    """Hit/no-hit for one document number or phone (``kind``: ``document`` or ``phone``)."""

    @extend_schema(request=QueryInputSerializer, responses=inline_serializer(
        "DocumentQueryAnswer", {"hit": serializers.BooleanField(), "hits": QueryHitSerializer(many=True)}))
    def post(self, request):
        data = QueryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notices = actions.do_query_number(request.user, kind=data.validated_data["kind"],
                                          raw=data.validated_data["number"])
        return Response({"hit": bool(notices), "hits": QueryHitSerializer(notices, many=True).data})
