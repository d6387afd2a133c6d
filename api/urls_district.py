from rest_framework.routers import DefaultRouter

from api.schools import DistrictSchoolViewSet

app_name = "district-api"

router = DefaultRouter()
router.include_root_view = False
router.register("schools", DistrictSchoolViewSet, basename="school")

urlpatterns = router.urls
