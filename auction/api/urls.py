from django.urls import path

from auction.api.http import route
from auction.api.routes import ROUTES

app_name = "api"
urlpatterns = [
    path(django_route, route(**{operation.method: operation.handler for operation in operations}))
    for django_route, operations in ROUTES.items()
]
