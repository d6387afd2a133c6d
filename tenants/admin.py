from django.contrib import admin

from tenants.models import Domain, School


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    readonly_fields = ["domain", "is_primary"]
    can_delete = False


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "kind", "status", "is_ready"]
    list_filter = ["status", "kind", "district"]
    search_fields = ["code", "name"]
    # Schools are provisioned and archived through tenants.actions, never created or
    # deleted here: deleting a row must not be a way to lose a school's schema.
    readonly_fields = ["schema_name", "code", "district", "is_ready", "status", "archived_at"]
    inlines = [DomainInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
