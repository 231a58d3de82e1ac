from django.contrib import admin

from fangkong.policy.models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    """Read-only: values are set on the policy page, which validates them and writes the audit entry."""

    list_display = ("key", "value", "level", "effective_from", "set_by")
    list_filter = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
