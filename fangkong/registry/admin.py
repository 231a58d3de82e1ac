"""Admin is for configuration (places, tags, merchants); people are managed in the app, where
access is scoped, data masked and changes audited."""

from django.contrib import admin

from fangkong.registry.models import Building, Community, District, Grid, Merchant, Street, Tag


class GridInline(admin.TabularInline):
    model = Grid
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "city")


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "district")


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "street")
    search_fields = ("code", "name")
    inlines = [GridInline]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "grid")
    list_filter = ("community",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "community")
    list_filter = ("kind", "community")
