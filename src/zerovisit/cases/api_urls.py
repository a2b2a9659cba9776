from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")
router.register("inbox", api.InboxViewSet, basename="inbox")
router.register("application-drafts", api.ApplicationDraftViewSet, basename="application-draft")
urlpatterns = router.urls
