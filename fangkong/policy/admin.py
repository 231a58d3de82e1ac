from django.contrib import admin

from fangkong.policy.models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    """Read-only: values are set on the policy page, which validates them and writes the audit entry. Nor
    is one ever deleted here: a value is superseded by a newer one, so the history of what was in force,
    and who set it, stays whole."""

    list_display = ("key", "value", "level", "effective_from", "set_by")
    list_filter = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
