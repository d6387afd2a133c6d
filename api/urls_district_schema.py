"""The district API as one document."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("api.urls_district"))]
