from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("items", api.ItemViewSet, basename="item")
router.register("item-types", api.ItemTypeViewSet, basename="item-type")
router.register("themes", api.ThemeViewSet, basename="theme")
router.register("process-templates", api.ProcessTemplateViewSet, basename="process-template")
router.register("drafts", api.DraftViewSet, basename="draft")
router.register("power-transfers", api.PowerTransferViewSet, basename="power-transfer")

urlpatterns = [
    path("search/", api.SearchView.as_view(), name="search"),
    path("items/<str:impl_code>/new-draft/", api.NewDraftView.as_view(), name="item-new-draft"),
    path("imports/", api.ImportView.as_view(), name="catalogue-import"),
    path("exports/", api.ExportView.as_view(), name="catalogue-export"),
    path("power-transfers/powers-held/", api.PowersHeldView.as_view(), name="powers-held"),
    *router.urls,
]
