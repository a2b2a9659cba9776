"""The admin site: for the people who administer something (catalogue editors, administrators), not for every
member of staff. Acceptors, reviewers and deciders work in the workbench; Django would show them an empty admin
index saying they may change nothing, which still tells them the admin is there and lets them in."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.core.exceptions import PermissionDenied


class AdminSite(admin.AdminSite):
    site_header = "zerovisit 管理后台"
    site_title = "zerovisit"

    def index(self, request, extra_context=None):
        if not self.get_app_list(request):
            raise PermissionDenied
        return super().index(request, extra_context)


class AdminConfig(DjangoAdminConfig):
    default_site = "zerovisit.core.admin_site.AdminSite"
