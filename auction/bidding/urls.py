from django.urls import path

from auction.bidding import views

app_name = "bidding"
urlpatterns = [
    path("items/<uuid:item_id>/", views.item_detail, name="item"),
    path("items/<uuid:item_id>/bid/", views.bid_create, name="bid"),
    path("items/<uuid:item_id>/buy-now/", views.buy_now, name="buy_now"),
]
