from django.urls import path
from rest_framework.routers import SimpleRouter

from api.organisation import DepartmentViewSet
from api.schools import CurrentSchoolView

app_name = "school-api"

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")

urlpatterns = [
    path("school/", CurrentSchoolView.as_view(), name="current-school"),
    *router.urls,
]
