from django.urls import path

from . import api

urlpatterns = [
    path("licenses/verify/", api.VerifyView.as_view(), name="license-verify"),
    path("licenses/mine/", api.MineView.as_view(), name="license-mine"),
    path("licenses/mine/<int:license_id>/file/", api.MineFileView.as_view(), name="license-mine-file"),
    path("share/licenses/", api.ShareView.as_view(), name="license-share"),
]
