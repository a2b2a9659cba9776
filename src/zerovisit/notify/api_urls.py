from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("messages", api.MessageViewSet, basename="message")
urlpatterns = router.urls
