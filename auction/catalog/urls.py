from django.urls import path

from auction.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("items/<uuid:item_id>/", views.item_detail, name="item"),
    path("sell/", views.sell, name="sell"),
]
