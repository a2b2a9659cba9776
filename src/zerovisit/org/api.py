"""/api/v1/ for regions and agencies: public, read-only, paginated and filterable."""

import django_filters
from rest_framework import permissions, serializers, viewsets

from .models import Agency, Region


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "is_functional_zone", "parent"]


class AgencySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "credit_code", "region", "region_name", "kind", "phone", "address"]


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code")
    within = django_filters.CharFilter(method="filter_within", label="division code; the region and all below it")

    class Meta:
        model = Region
        fields = ["level", "is_functional_zone", "parent"]

    def filter_within(self, queryset, name, value):
        region = Region.objects.filter(code=value).first()
        return queryset.filter(code__startswith=region.prefix) if region else queryset.none()


class AgencyFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label="division code; the region and all below it")
    name = django_filters.CharFilter(lookup_expr="contains")

    class Meta:
        model = Agency
        fields = ["kind", "region", "name"]

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(code=value).first()
        return queryset.filter(region__code__startswith=region.prefix) if region else queryset.none()


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.select_related("parent").order_by("code")
    serializer_class = RegionSerializer
    lookup_field = "code"
    filterset_class = RegionFilter
    permission_classes = [permissions.AllowAny]


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Agency.objects.select_related("region")
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    permission_classes = [permissions.AllowAny]
