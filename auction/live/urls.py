from django.urls import path

from auction.live import views

app_name = "live"
urlpatterns = [
    path("live/items/", views.item_snapshots, name="snapshots"),
    path("live/items/<uuid:item_id>/", views.item_snapshot, name="snapshot"),
]
