"""The bureau's safety pages, under /checklists/ (namespace frontend:checklists)."""

from django.urls import path

from frontend.safety import bureau_views

app_name = "checklists"

urlpatterns = [
    path("", bureau_views.templates, name="templates"),
    path("seed/", bureau_views.seed, name="seed"),
    path("<int:pk>/", bureau_views.template, name="template"),
    path("escalations/", bureau_views.escalations, name="escalations"),
]
