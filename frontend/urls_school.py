from django.urls import path

from frontend import audit_views, views

app_name = "frontend"

urlpatterns = [
    path("audit/", audit_views.audit_events, name="audit-events"),
    path("audit/export/", audit_views.export_audit_events, name="audit-export"),
    path("", views.school_home, name="home"),
    path("departments/", views.departments, name="departments"),
]
