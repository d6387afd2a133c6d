"""A school's URLs, mounted under /s/<school-code>/ by tenants.routing."""

from django.urls import include, path

urlpatterns = [
    path("", include("frontend.urls_school")),
    path("accounts/", include("frontend.urls_accounts")),
    path("api/v1/", include("api.urls_school")),
]

handler403 = "frontend.views.permission_denied"
handler404 = "frontend.views.page_not_found"
handler500 = "frontend.views.server_error"
