from django.urls import path

from . import api

urlpatterns = [
    path("licenses/verify/", api.VerifyView.as_view(), name="license-verify"),
    path("licenses/mine/", api.MineView.as_view(), name="license-mine"),
    path("share/licenses/", api.ShareView.as_view(), name="license-share"),
]
