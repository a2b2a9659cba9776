from django.urls import path

from . import api

urlpatterns = [path("delivery/callback/<str:carrier>/", api.CallbackView.as_view(), name="carrier-callback")]
