from django.urls import path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("", views.school_home, name="home"),
    path("departments/", views.departments, name="departments"),
]
