"""The school API as one document, with the school code as a path parameter.

Each school serves the same API under its own prefix; the OpenAPI document describes it
once, as /s/{school_code}/api/v1/...
"""

from django.urls import include, path

urlpatterns = [path("s/<str:school_code>/api/v1/", include("api.urls_school"))]
