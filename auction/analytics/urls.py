from django.urls import path

from auction.analytics import views

app_name = "analytics"
urlpatterns = [
    path("analytics/", views.analytics_page, name="page"),
    path("analytics/data.json", views.analytics_data, name="data"),
    path("analytics/<slug:name>.csv", views.analytics_csv, name="csv"),
    path("analytics/items/<uuid:item_id>/prices.json", views.item_prices, name="item_prices"),
]
