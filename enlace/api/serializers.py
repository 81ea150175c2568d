from rest_framework import serializers

from enlace.accounts.models import User
from enlace.core.models import Country, Institution


class CountrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Country
        fields = ["code", "name", "name_es", "name_en", "kind", "in_network", "timezone"]


class InstitutionSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "name", "acronym", "type", "country"]


class MeSerializer(serializers.ModelSerializer):
    institution = InstitutionSerializer(read_only=True)
    country = serializers.CharField(source="institution.country.code", read_only=True, default=None)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "position", "institution", "country", "roles",
                  "preferred_language"]

    def get_roles(self, user) -> list[str]:
        return sorted(user.role_codes())
