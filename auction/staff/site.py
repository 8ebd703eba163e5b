"""The admin site: staff only, and a clear 403 for anyone else who is signed in.

`INSTALLED_APPS` names `StaffAdminConfig` instead of `django.contrib.admin`, which makes this
site `admin.site` for every app that registers models.
"""
from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied


class StaffAdminSite(admin.AdminSite):
    site_header = "Auction administration"
    site_title = "Auction admin"
    index_title = "Auctions, bids and people"

    def admin_view(self, view, cacheable=False):
        """Anonymous visitors still get the login form; signed-in people who are not staff are refused."""
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def staff_only(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return staff_only

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        return super().login(request, extra_context)


class StaffAdminConfig(AdminConfig):
    default_site = "auction.staff.site.StaffAdminSite"
