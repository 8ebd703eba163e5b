from django.urls import path

from auction.health.views import healthz

urlpatterns = [path("healthz", healthz, name="healthz")]
