from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("apps", api.ServiceAppViewSet, basename="service-app")
urlpatterns = router.urls
