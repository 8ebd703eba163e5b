"""URL map of the site; each app owns its own routes."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from auction.api import PREFIX as API_PREFIX
from auction.catalog.views import media_file

handler400 = "auction.errors.bad_request"
handler403 = "auction.errors.forbidden"
handler404 = "auction.errors.not_found"
handler500 = "auction.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("auction.health.urls")),
    path("", include("auction.catalog.urls")),
    path("", include("auction.bidding.urls")),
    path("", include("auction.accounts.urls")),
    path("", include("auction.notifications.urls")),
    path("", include("auction.ops.urls")),
    path("", include("auction.whatif.urls")),
    path("", include("auction.live.urls")),
    path("", include("auction.analytics.urls")),
    path(API_PREFIX, include("auction.api.urls")),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_file, name="media"),
]
