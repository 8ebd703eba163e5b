"""Template helpers for analytics partials embedded in other apps' pages."""
from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def analytics_refresh_seconds() -> float:
    return settings.ANALYTICS_REFRESH_SECONDS
