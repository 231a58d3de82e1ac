"""Users, their roles and scope grants in Django's admin. Every change is saved through the accounts
services, each with its audit entry (field names, never values), in the admin's own transaction."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from fangkong.accounts.models import AuditEntry, ScopeGrant, User
from fangkong.accounts.services import (
    scope_grant_add,
    scope_grant_change,
    scope_grant_remove,
    user_add,
    user_change,
    user_delete,
    user_password_changed,
)

# The user forms' fields that are not the model's: what they set is the password.
_FORM_ONLY_FIELDS = {"password1": "password", "password2": "password", "usable_password": "password"}


def _field_names(changed: list[str]) -> list[str]:
    return sorted({_FORM_ONLY_FIELDS.get(name, name) for name in changed})


class ScopeGrantInline(admin.TabularInline):
    model = ScopeGrant
    extra = 0


@admin.register(User)
class FangkongUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Fangkong", {"fields": ("role", "display_name")}))
    inlines = [ScopeGrantInline]

    def save_model(self, request, obj, form, change):
        # The many-to-many fields (groups, permissions) are among the names; Django saves their rows in
        # save_related, right after, in the same transaction.
        fields = _field_names(form.changed_data)
        if change:
            user_change(actor=request.user, user=obj, fields=fields)
        else:
            user_add(actor=request.user, user=obj, fields=fields)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ScopeGrant:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # sorts the rows into new, changed and deleted; writes nothing
        for grant in formset.deleted_objects:
            scope_grant_remove(actor=request.user, grant=grant)
        for grant, fields in formset.changed_objects:
            scope_grant_change(actor=request.user, grant=grant, fields=fields)
        for grant in formset.new_objects:
            scope_grant_add(actor=request.user, grant=grant)
        return None

    def delete_model(self, request, obj):
        user_delete(actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            user_delete(actor=request.user, user=user)

    def user_change_password(self, request, id, form_url=""):
        # Django's password form saves the user itself: the entry is written when the stored password
        # (or its being usable) changed, in the same transaction.
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    user_password_changed(actor=request.user, user=user)
        return response


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
