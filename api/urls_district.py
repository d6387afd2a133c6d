from rest_framework.routers import DefaultRouter

from api import views

app_name = "district-api"

router = DefaultRouter()
router.register("schools", views.SchoolViewSet, basename="school")

urlpatterns = router.urls
