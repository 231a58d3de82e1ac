from django.contrib import admin

from fangkong.gates.models import Gate


@admin.register(Gate)
class GateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "community")
    list_filter = ("community", "kind")
