from django.contrib import admin

from fangkong.workgroup.models import Member, WorkingGroup


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ("name", "position", "duties", "reports_to", "user", "grid", "order")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "established")
    inlines = [MemberInline]

    def save_formset(self, request, form, formset, change):
        # A member carries its group's community (the scope key); the inline does not show it.
        for member in formset.save(commit=False):
            member.community_id = form.instance.community_id
            member.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()
