"""/api/v1/apps/: the service-app directory for the mobile app; public, read-only, paginated and filterable.
Opening an app goes through `open_url`, which counts it and leads on."""

import django_filters
from django.urls import reverse
from rest_framework import permissions, serializers, viewsets

from zerovisit.core.filters import IdFilter

from .models import AppCategory, ServiceApp


class ServiceAppSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="get_category_display")
    agency_name = serializers.CharField(source="agency.name", default=None, allow_null=True)
    open_url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceApp
        fields = [
            "id", "name", "description", "category", "category_name", "agency", "agency_name", "icon_text", "link",
            "open_url", "identity_level", "available", "unavailable_note", "featured", "uses",
        ]  # fmt: skip

    def get_open_url(self, app) -> str:
        return reverse("portal:open_app", args=[app.pk])


class ServiceAppFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=AppCategory.choices)
    agency = IdFilter(label="id of the owner agency")

    class Meta:
        model = ServiceApp
        fields = ["category", "agency", "available", "featured"]


class ServiceAppViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ServiceApp.objects.select_related("agency")
    serializer_class = ServiceAppSerializer
    filterset_class = ServiceAppFilter
    permission_classes = [permissions.AllowAny]
