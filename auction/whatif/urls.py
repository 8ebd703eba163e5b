from django.urls import path

from auction.whatif import views

app_name = "whatif"
urlpatterns = [
    path("ops/whatif/", views.whatif_page, name="page"),
    path("ops/whatif/<int:run_id>/", views.whatif_run_page, name="run"),
    path("ops/whatif/<int:run_id>.csv", views.whatif_run_csv, name="csv"),
]
