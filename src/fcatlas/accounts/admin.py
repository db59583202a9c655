"""The Django admin, for national administrators only: people and their roles; units and history to read."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from .models import AuditEvent, Membership, Role
from .permissions import role_of


class NationalAdminSite(admin.AdminSite):
    site_header = "fcatlas administration"
    site_title = "fcatlas"
    index_title = "Personer, roller och registret"

    def has_permission(self, request):
        return request.user.is_active and role_of(request.user) == Role.NATIONAL_ADMINISTRATOR


site = NationalAdminSite(name="admin")


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    verbose_name_plural = "roll"


class PersonAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active")

    @admin.display(description="roll")
    def role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else Role.READER.label

    def has_module_permission(self, request):
        return site.has_permission(request)

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: site.has_permission(request))


class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "municipality")
    list_filter = ("role", "region")

    def has_module_permission(self, request):
        return site.has_permission(request)

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: site.has_permission(request))


class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, to read and search: nobody adds, changes or removes its rows."""

    list_display = ("at", "action", "username", "ip_address", "detail")
    list_filter = ("action",)
    search_fields = ("username", "detail", "ip_address")
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return site.has_permission(request)

    has_add_permission = has_change_permission = has_delete_permission = lambda self, request, obj=None: False


site.register(User, PersonAdmin)
site.register(AuditEvent, AuditEventAdmin)
site.register(Membership, MembershipAdmin)
site.register(Group)
