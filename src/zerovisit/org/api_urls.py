from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("regions", api.RegionViewSet, basename="region")
router.register("agencies", api.AgencyViewSet, basename="agency")
urlpatterns = router.urls
