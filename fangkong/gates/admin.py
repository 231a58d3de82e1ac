from django.contrib import admin

from fangkong.core.shared_state import bump_on_commit
from fangkong.gates.models import Gate


@admin.register(Gate)
class GateAdmin(admin.ModelAdmin):
    """Gates are changed here only: every change bumps the "gates" generation after the commit, so that every
    app server drops its cached gate (gates.scanning) instead of scanning by the old one for a minute."""

    list_display = ("code", "name", "kind", "community")
    list_filter = ("community", "kind")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_on_commit("gates")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_on_commit("gates")

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_on_commit("gates")
