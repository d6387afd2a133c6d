from django.urls import include, path

from frontend import api_key_views, audit_views, people_views, views

app_name = "frontend"

urlpatterns = [
    path("audit/", audit_views.audit_events, name="audit-events"),
    path("audit/export/", audit_views.export_audit_events, name="audit-export"),
    path("", views.school_home, name="home"),
    path("departments/", views.departments, name="departments"),
    path("safety/", include("frontend.safety.urls")),
    path("duty/", include("frontend.duty.urls")),
    path("assets/", include("frontend.assets.urls")),
    path("vehicles/", include("frontend.vehicles.urls")),
    # People and API keys (issue 3, managing people).
    path("people/", people_views.people, name="people"),
    path("people/new/", people_views.create_person, name="create-person"),
    path("people/bulk/", people_views.bulk_people, name="bulk-people"),
    path("people/import/", people_views.import_people, name="import-people"),
    path("people/import/template.xlsx", people_views.import_people_template, name="import-people-template"),
    path("people/import/<str:token>/", people_views.confirm_import, name="confirm-import"),
    path("people/<int:user_id>/", people_views.person, name="person"),
    path("people/<int:user_id>/roles/", people_views.add_membership, name="add-membership"),
    path("people/<int:user_id>/roles/<int:membership_id>/", people_views.change_role, name="change-role"),
    path(
        "people/<int:user_id>/roles/<int:membership_id>/remove/",
        people_views.remove_membership,
        name="remove-membership",
    ),
    path("people/<int:user_id>/reset-password/", people_views.reset_password, name="reset-password"),
    path("api-keys/", api_key_views.api_keys, name="api-keys"),
    path("api-keys/new/", api_key_views.create_key, name="create-api-key"),
    path("api-keys/<int:key_id>/revoke/", api_key_views.revoke_key, name="revoke-api-key"),
]
