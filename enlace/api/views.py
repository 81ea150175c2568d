from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse

from enlace.core.models import Country, Institution

from .serializers import CountrySerializer, InstitutionSerializer, MeSerializer


class RestrictedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data: still read through ``restrict()`` like everything else."""

    def get_queryset(self):
        action = "view" if self.action == "retrieve" else "list"
        return self.queryset.model.objects.restrict(self.request.user, action).select_related(*self.related)

    related: tuple = ()


class CountryViewSet(RestrictedReadOnlyViewSet):
    queryset = Country.objects.none()
    serializer_class = CountrySerializer
    lookup_field = "code"
    pagination_class = None


class InstitutionViewSet(RestrictedReadOnlyViewSet):
    queryset = Institution.objects.none()
    serializer_class = InstitutionSerializer
    filterset_fields = ["type", "country__code"]
    related = ("country",)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    return Response(MeSerializer(request.user).data)


@extend_schema(exclude=True)
@api_view(["GET"])
def root(request):
    return Response({
        "me": reverse("api:me", request=request),
        "countries": reverse("api:country-list", request=request),
        "institutions": reverse("api:institution-list", request=request),
        "schema": reverse("api_schema", request=request),
        "docs": reverse("api_docs", request=request),
    })
