"""Units and their history in the admin: to read only. Every change goes through the registry's own pages
(``editing.save_unit``), never through the admin."""

from django.contrib import admin
from django.db import models

from fcatlas.accounts.admin import site

from .models import Unit, UnitChange


class ReadOnly(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request):
        return site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return site.has_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChangeInline(admin.TabularInline):
    model = UnitChange
    fields = ("version", "changed_at", "changed_by", "source", "source_detail", "fields")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class UnitAdmin(ReadOnly):
    list_display = ("name", "municipality", "classification", "status", "synthetic", "version")
    list_filter = ("classification", "status", "synthetic", "municipality__region")
    search_fields = ("name", "external_id", "municipality__name")
    inlines = [ChangeInline]


class UnitChangeAdmin(ReadOnly):
    list_display = ("unit_name", "unit_number", "version", "changed_at", "changed_by", "source", "removed")
    list_filter = ("source", "removed")
    search_fields = ("unit_name",)


site.register(Unit, UnitAdmin)
site.register(UnitChange, UnitChangeAdmin)
