"""API for contacts, authorisations, routing and published key actors (``/api/v1/directory/…``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from enlace.api.pagination import BoundedLimitOffsetPagination
from enlace.core.models import Institution
from enlace.sharing.access import audit_listing
from enlace.sharing.api import ProtectedReadOnlyViewSet, ProtectedViewSetMixin, SharingFieldsSerializer

from . import actions, choices
from .filters import ContactFilter
from .forms import NO_SUCH_ACCOUNT, linkable_account
from .models import Authorisation, Contact, PublicKeyActor, unpack
from .routing import route


def _api_errors(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return APIValidationError(exc.message_dict)
    return APIValidationError({"non_field_errors": exc.messages})


class ContactSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    institution = serializers.CharField(source="owner_institution.name", read_only=True)
    institution_id = serializers.IntegerField(source="owner_institution_id", read_only=True)
    areas = serializers.SerializerMethodField()
    functions = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    working_days = serializers.SerializerMethodField()
    username = serializers.CharField(source="user.username", read_only=True, default=None)

    class Meta:
        model = Contact
        fields = ["id", "first_name", "last_name", "position", "unit", "institution", "institution_id",
                  "owner_country", "scope", "areas", "functions", "languages", "email", "phone", "mobile", "timezone",
                  "hours_start", "hours_end", "working_days", "status", "valid_from", "valid_until",
                  "proposal_expires_on", "confirmed_at", "reports_to", "username", "distribution", "handling_codes"]

    def get_areas(self, obj) -> list[str]:
        return obj.area_list

    def get_functions(self, obj) -> list[str]:
        return obj.function_list

    def get_languages(self, obj) -> list[str]:
        return obj.language_list

    def get_working_days(self, obj) -> list[int]:
        return obj.day_list


class ContactWriteSerializer(serializers.Serializer):
    institution = serializers.IntegerField(required=False)
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    position = serializers.CharField(max_length=200, required=False)
    unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    scope = serializers.CharField(required=False)
    areas = serializers.ListField(child=serializers.CharField(), required=False)
    functions = serializers.ListField(child=serializers.CharField(), required=False)
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    email = serializers.CharField(max_length=200, required=False)
    phone = serializers.CharField(max_length=40, required=False)
    mobile = serializers.CharField(max_length=40, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    hours_start = serializers.TimeField(required=False)
    hours_end = serializers.TimeField(required=False)
    working_days = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6), required=False)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)

    def to_action_data(self, user, instance=None) -> dict:
        d = dict(self.validated_data)
        data = {}
        if instance is not None:
            data = {"first_name": instance.first_name, "last_name": instance.last_name, "position": instance.position,
                    "unit": instance.unit, "scope": instance.scope, "areas": instance.area_list,
                    "functions": instance.function_list, "languages": instance.language_list,
                    "email": instance.email, "phone": instance.phone, "mobile": instance.mobile,
                    "timezone": instance.timezone, "hours_start": instance.hours_start,
                    "hours_end": instance.hours_end, "working_days": [str(x) for x in instance.day_list],
                    "user": instance.user, "reports_to": instance.reports_to}
        if "institution" in d:
            inst = Institution.objects.restrict(user, "view").filter(pk=d.pop("institution")).select_related(
                "country").first()
            if inst is None:
                raise APIValidationError({"institution": [_("Institución desconocida.")]})
            data["institution"] = inst
        if "username" in d:
            name = d.pop("username")
            data["user"] = linkable_account(user, name) if name else None
            if name and data["user"] is None:
                # One answer whether the name does not exist or belongs to another country: the API does
                # not tell which usernames exist.
                raise APIValidationError({"username": [str(NO_SUCH_ACCOUNT)]})
        if "working_days" in d:
            d["working_days"] = [str(x) for x in d["working_days"]]
        data.update(d)
        return data


class ValiditySerializer(serializers.Serializer):
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    departure = serializers.BooleanField(required=False, default=False)


class DeferredJoinPagination(BoundedLimitOffsetPagination):
    """The page's ids first (narrow rows: the list's filters, joins for the ordering and the sort, no
    selected columns), then only those rows with their joins, in the ids' order.

    Contacts are ordered by their country's name (a join), so every visible contact is sorted:
    sorting 50 000 whole rows with their account columns cost ~210 ms at 1 M cases, sorting their ids
    ~85 ms (issue 17). One query more, whatever the page size.
    """

    def paginate_queryset(self, queryset, request, view=None):
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True), request, view)
        if not ids:
            return []
        rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
        return [rows[pk] for pk in ids if pk in rows]


class ContactViewSet(ProtectedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Directory contacts. Decisions (authorise, renew, suspend, reinstate, revoke) are POST sub-resources.

    Every write and decision is the policy's (``Contact.write_rules``): PATCH by the owner
    institution; decisions by the owner country's Cancillería; anyone else gets 404.
    """

    queryset = Contact.objects.select_related("owner_institution__country", "user").none()
    pagination_class = DeferredJoinPagination
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    # create/update/partial_update map to "change" (the default map): PATCH only by the owner
    # institution; create has no record yet (do_propose_contact checks permission and institution).
    # A revocation may also be a departure registered by the owner institution: the action decides.
    sharing_actions = {"authorise": "authorise", "renew": "authorise", "suspend": "authorise",
                       "reinstate": "authorise", "revoke": "view"}
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=ContactWriteSerializer, responses={201: ContactSerializer})
    def create(self, request, *args, **kwargs):
        ser = ContactWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            contact = actions.do_propose_contact(request.user, ser.to_action_data(request.user))
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ContactWriteSerializer, responses=ContactSerializer)
    def partial_update(self, request, *args, **kwargs):
        contact = self.get_object()
        ser = ContactWriteSerializer(data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        try:
            contact = actions.do_update_contact(request.user, contact, ser.to_action_data(request.user, contact))
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        return Response(ContactSerializer(contact).data)

    def _decide(self, request, fn, ser_class=None):
        if self.sharing_action() == "view":
            # A revocation or a departure: the action decides who (the Cancillería, or the owner institution for
            # a departure) and writes the one audit event, so the lookup here is not an audited read.
            contact = Contact.objects.restrict(request.user, "view").filter(pk=self.kwargs["pk"]).first() \
                if str(self.kwargs["pk"]).isdigit() else None
            if contact is None:
                raise Http404
        else:
            contact = self.get_object()
        kwargs = {}
        if ser_class is not None:
            ser = ser_class(data=request.data)
            ser.is_valid(raise_exception=True)
            kwargs = dict(ser.validated_data)
        try:
            contact = fn(request.user, contact, **kwargs)
        except DjangoValidationError as exc:
            raise _api_errors(exc) from None
        contact.refresh_from_db()
        return Response(ContactSerializer(contact).data)

    @extend_schema(request=ValiditySerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def authorise(self, request, pk=None):
        return self._decide(request, actions.do_authorise_contact, ValiditySerializer)

    @extend_schema(request=ValiditySerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        return self._decide(request, actions.do_renew_contact, ValiditySerializer)

    @extend_schema(request=ReasonSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self._decide(request, lambda u, c, reason, departure=False: actions.do_suspend_contact(u, c, reason=reason),
                            ReasonSerializer)

    @extend_schema(request=None, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._decide(request, actions.do_reinstate_contact)

    @extend_schema(request=ReasonSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._decide(request, actions.do_revoke_contact, ReasonSerializer)


class AuthorisationSerializer(SharingFieldsSerializer, serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = Authorisation
        fields = ["id", "contact", "kind", "valid_from", "valid_until", "reason", "decided_by", "decided_at",
                  "owner_country", "distribution"]


class AuthorisationViewSet(ProtectedReadOnlyViewSet):
    """The history of decisions on contacts (authorisations, renewals, suspensions, revocations, expiries)."""

    queryset = Authorisation.objects.select_related("decided_by", "owner_institution__country").none()
    serializer_class = AuthorisationSerializer
    filterset_fields = ["contact", "kind"]


class SuggestionSerializer(serializers.Serializer):
    contact = ContactSerializer()
    score = serializers.IntegerField()
    in_hours = serializers.BooleanField()
    hours_for_caller = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class RoutingView(APIView):
    """«¿A quién contacto?»: ranked authorised focal points of a country for a need."""

    @extend_schema(parameters=[
        OpenApiParameter("country", str, required=True, description="ISO3"),
        OpenApiParameter("need", str, required=True, enum=[c for c, _l in choices.NEEDS]),
        OpenApiParameter("urgency", str, enum=["normal", "urgent"]),
        OpenApiParameter("caller_tz", str, description="IANA time zone, e.g. America/Mexico_City"),
    ], responses=SuggestionSerializer(many=True))
    def get(self, request):
        from .validation import validate_timezone

        errors = {}
        country = request.query_params.get("country", "").upper()
        need = request.query_params.get("need", "")
        urgency = request.query_params.get("urgency", "normal")
        caller_tz = request.query_params.get("caller_tz") or None
        if not country:
            errors["country"] = [_("Indique el país (código ISO3).")]
        if need not in dict(choices.NEEDS):
            errors["need"] = [_("Valores posibles: %(values)s.") % {"values": ", ".join(dict(choices.NEEDS))}]
        if urgency not in dict(choices.URGENCY):
            errors["urgency"] = [_("Valores posibles: %(values)s.") % {"values": "normal, urgent"}]
        if caller_tz:
            try:
                validate_timezone(caller_tz)
            except DjangoValidationError as exc:
                errors["caller_tz"] = exc.messages
        if errors:
            raise APIValidationError(errors)
        results = route(request.user, country=country, need=need, urgency=urgency, caller_tz=caller_tz)
        audit_listing(request.user, Contact, [s.contact.pk for s in results], kind="search",
                      query=request.query_params.urlencode(), purpose="routing")
        return Response(SuggestionSerializer(results, many=True).data)


class PublicKeyActorSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)
    areas = serializers.SerializerMethodField()

    class Meta:
        model = PublicKeyActor
        fields = ["id", "position", "institution_name", "country", "areas", "public_email", "public_phone"]

    def get_areas(self, obj) -> list[str]:
        return unpack(obj.areas)


class PublicKeyActorViewSet(ProtectedReadOnlyViewSet):
    """Key actors published on the portal: institutional data only, open to anyone."""

    queryset = PublicKeyActor.objects.select_related("country").none()
    serializer_class = PublicKeyActorSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        return super().get_queryset().filter(status=PublicKeyActor.Status.PUBLISHED)
