from django.urls import path
from rest_framework.routers import DefaultRouter

from api import views

app_name = "school-api"

router = DefaultRouter()
router.register("departments", views.DepartmentViewSet, basename="department")

urlpatterns = [
    path("school/", views.CurrentSchoolView.as_view(), name="current-school"),
    *router.urls,
]
