from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from fangkong.accounts.models import AuditEntry, ScopeGrant, User


class ScopeGrantInline(admin.TabularInline):
    model = ScopeGrant
    extra = 0


@admin.register(User)
class FangkongUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Fangkong", {"fields": ("role", "display_name")}))
    inlines = [ScopeGrantInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_id", "via")
    list_filter = ("action", "object_type", "via")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
