from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("shipments", api.ShipmentViewSet, basename="shipment")
urlpatterns = [
    path("delivery/callback/<str:carrier>/", api.CallbackView.as_view(), name="carrier-callback"),
    *router.urls,
]
