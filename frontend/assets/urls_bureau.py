"""The bureau's classification code tables, under /classification/ (namespace frontend:classification)."""

from django.urls import path

from frontend.assets import bureau_views

app_name = "classification"

urlpatterns = [
    path("", bureau_views.codes, name="codes"),
]
