from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from eduplatform.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["district", "school"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "phone", "is_active", "is_staff"]
    search_fields = ["username", "name", "phone"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("EduPlatform", {"fields": ("name", "phone", "must_change_password")}),
    )
    inlines = [MembershipInline]
