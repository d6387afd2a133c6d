"""Public URLs: the bureau portal, the district API, the API docs, admin and probes."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from eduplatform import probes

urlpatterns = [
    path("", include("frontend.urls_bureau")),
    path("accounts/", include("frontend.urls_accounts")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("api.urls_district")),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="api.urls_district_schema"), name="api-schema"),
    path(
        "api/schema/school/",
        SpectacularAPIView.as_view(
            urlconf="api.urls_school_schema",
            custom_settings={
                "TITLE": "EduPlatform school API",
                "SCHEMA_PATH_PREFIX": r"/s/\{school_code\}/api/v1",
            },
        ),
        name="api-schema-school",
    ),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/docs/school/",
        SpectacularSwaggerView.as_view(url_name="api-schema-school"),
        name="api-docs-school",
    ),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("healthz", probes.healthz, name="healthz"),
    path("readyz", probes.readyz, name="readyz"),
]

handler403 = "frontend.views.permission_denied"
handler404 = "frontend.views.page_not_found"
handler500 = "frontend.views.server_error"
