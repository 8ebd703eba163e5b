"""Template helpers for the parts of a page that live updates change, so pages and pushes agree."""
from django import template

from auction.live.fields import price_label

register = template.Library()
register.filter("price_label", price_label)
