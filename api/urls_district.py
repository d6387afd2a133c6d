from rest_framework.routers import SimpleRouter

from api.checklists import EscalationViewSet, ItemViewSet, TemplateViewSet, VersionViewSet
from api.classification import DistrictCodeViewSet
from api.schools import DistrictSchoolViewSet

app_name = "district-api"

router = SimpleRouter()
router.register("schools", DistrictSchoolViewSet, basename="school")
router.register("checklists/templates", TemplateViewSet, basename="checklist-template")
router.register("checklists/versions", VersionViewSet, basename="checklist-version")
router.register("checklists/items", ItemViewSet, basename="checklist-item")
router.register("safety/escalations", EscalationViewSet, basename="safety-escalation")
router.register("classification/codes", DistrictCodeViewSet, basename="classification-code")

urlpatterns = router.urls
