from django.urls import path

from auction.ops import views

app_name = "ops"
urlpatterns = [
    path("ops/", views.ops_page, name="page"),
    path("ops/api/overview", views.overview, name="overview"),
    path("ops/api/dead-letters", views.dead_letters, name="dead_letters"),
    path("ops/api/dead-letters/replay", views.dead_letters_replay_view, name="replay"),
    path("ops/api/dead-letters/discard", views.dead_letters_discard_view, name="discard"),
    path("ops/api/rebuild", views.rebuild, name="rebuild"),
    path("metrics", views.metrics, name="metrics"),
]
