"""The admin site: for the people who administer something (catalogue editors, administrators), not for every
member of staff. Acceptors, reviewers and deciders work in the workbench; Django would show them an empty admin
index saying they may change nothing, which still tells them the admin is there and lets them in.

Nobody reaches the admin without having passed the second factor in this session (accounts.middleware sends
them to it first; this holds even where a deployment leaves the middleware out)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.core.exceptions import PermissionDenied
from django_otp import DEVICE_ID_SESSION_KEY


class AdminSite(admin.AdminSite):
    site_header = "zerovisit 管理后台"
    site_title = "zerovisit"

    def has_permission(self, request):
        return super().has_permission(request) and DEVICE_ID_SESSION_KEY in request.session

    def index(self, request, extra_context=None):
        if not self.get_app_list(request):
            raise PermissionDenied
        return super().index(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    default_site = "zerovisit.core.admin_site.AdminSite"
