"""Generic DRF pieces that put every protected endpoint behind the sharing policy."""

from django.core.exceptions import ImproperlyConfigured
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
    """``get_queryset`` is the viewset's *declared* queryset restricted by the policy for the
    request's action; ``get_object`` is the audited accessor over the same queryset.

    Declare ``queryset = Model.objects.select_related(...).prefetch_related(...).none()``: the
    joins survive the policy, and the declared queryset itself can never be read around it.
    Every DRF action must map to a sharing action (``ACTION_MAP`` or the viewset's
    ``sharing_actions``): an action nobody mapped is refused, never treated as a read.
    """

    def sharing_action(self) -> str:
        action = getattr(self, "sharing_actions", {}).get(self.action) or ACTION_MAP.get(self.action)
        if action is None:
            raise ImproperlyConfigured(f"{type(self).__name__}.{self.action} has no sharing action")
        return action

    def declared_queryset(self):
        """The declared joins and prefetches on a fresh, non-empty queryset of the model."""
        declared = self.queryset
        qs = declared.model._default_manager.all()
        qs.query.select_related = declared.query.select_related
        qs._prefetch_related_lookups = declared._prefetch_related_lookups
        if declared.query.order_by:
            qs = qs.order_by(*declared.query.order_by)
        return qs

    def get_queryset(self):
        return self.declared_queryset().restrict(self.request.user, self.sharing_action())

    def get_object(self):
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        return access_by_id(self.queryset.model, self.request.user, lookup, self.sharing_action(),
                            purpose=self.request.headers.get("X-Purpose", ""), queryset=self.declared_queryset())

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else response.data
        audit_listing(request.user, self.queryset.model, [r.get("id") for r in rows], query=request.GET.urlencode())
        return response


class ProtectedReadOnlyViewSet(ProtectedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
