from django.contrib import admin

from .models import ServiceApp


@admin.register(ServiceApp)
class ServiceAppAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "agency", "link", "identity_level", "available", "featured", "uses"]
    list_filter = ["category", "available", "featured", "identity_level", "link"]
    search_fields = ["name", "description", "agency__name"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["uses"]
