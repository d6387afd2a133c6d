"""Duty pages, under /s/<code>/duty/ (namespace frontend:duty)."""

from django.urls import path

from frontend.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("mine/", views.my_shifts, name="my-shifts"),
    path("fill/", views.fill_roster, name="fill-roster"),
    path("shifts/new/", views.add_shift, name="add-shift"),
    path("shifts/<int:pk>/", views.shift, name="shift"),
    path("shifts/<int:pk>/edit/", views.edit_shift, name="edit-shift"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
