from rest_framework.routers import SimpleRouter

from . import api, bundle_api

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")
router.register("inbox", api.InboxViewSet, basename="inbox")
router.register("bundles", bundle_api.BundleViewSet, basename="bundle")
router.register("bundle-cases", bundle_api.BundleCaseViewSet, basename="bundle-case")
router.register("application-drafts", api.ApplicationDraftViewSet, basename="application-draft")
urlpatterns = router.urls
