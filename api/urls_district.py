from rest_framework.routers import SimpleRouter

from api.schools import DistrictSchoolViewSet

app_name = "district-api"

router = SimpleRouter()
router.register("schools", DistrictSchoolViewSet, basename="school")

urlpatterns = router.urls
