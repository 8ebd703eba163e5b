"""URL map of the site; each app owns its own routes."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("auction.health.urls")),
]
