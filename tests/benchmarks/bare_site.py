"""The baseline of the web stack: a bare Django project with one async JSON view, nothing else.

    DJANGO_SETTINGS_MODULE=tests.benchmarks.bare_site uvicorn tests.benchmarks.bare_site:application

This module is the settings, the URL map and the ASGI application at once. The HTTP benchmark
serves it from the same uvicorn, with the same number of workers, as the site it measures.
"""
from django.http import JsonResponse
from django.urls import path

SECRET_KEY = "bare-site-benchmark-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = __name__
DATABASES: dict = {}
USE_TZ = True


async def hello(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [path("hello", hello)]


def __getattr__(name: str):
    if name == "application":  # built on first use: importing the settings must not set Django up
        from django.core.asgi import get_asgi_application

        return get_asgi_application()
    raise AttributeError(name)
