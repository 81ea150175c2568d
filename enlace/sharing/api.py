"""Generic DRF pieces that put every protected endpoint behind the sharing policy."""

from rest_framework import serializers, viewsets

from .access import access_by_id, audit_listing

# DRF action -> sharing action
ACTION_MAP = {"list": "list", "retrieve": "view", "create": "change", "update": "change",
              "partial_update": "change", "destroy": "delete"}


class SharingFieldsSerializer(serializers.Serializer):
    """Read-only view of a record's owner, distribution and handling codes."""

    owner_institution = serializers.CharField(source="owner_institution.__str__", read_only=True)
    owner_country = serializers.CharField(source="owner_institution.country.code", read_only=True)
    distribution = serializers.CharField(read_only=True)
    handling_codes = serializers.ListField(child=serializers.CharField(), read_only=True)


class ProtectedViewSetMixin:
    """``get_queryset`` is ``restrict(user, action)``; ``get_object`` is the audited accessor."""

    def sharing_action(self) -> str:
        return getattr(self, "sharing_actions", {}).get(self.action) or ACTION_MAP.get(self.action, "view")

    def get_queryset(self):
        return self.queryset.model.objects.restrict(self.request.user, self.sharing_action())

    def get_object(self):
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        return access_by_id(self.queryset.model, self.request.user, lookup, self.sharing_action(),
                            purpose=self.request.headers.get("X-Purpose", ""), queryset=self.queryset.model.objects)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else response.data
        audit_listing(request.user, self.queryset.model, [r.get("id") for r in rows], query=request.GET.urlencode())
        return response


class ProtectedReadOnlyViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
