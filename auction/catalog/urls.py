from django.urls import path

from auction.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("sell/", views.sell, name="sell"),
]
