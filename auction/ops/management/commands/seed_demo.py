"""Demo data: a few people to log in as and auctions to bid on, listed through the real services."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.templatetags.static import static

from auction.catalog.models import Item
from auction.catalog.services import item_put_up
from streams.money import Money

PASSWORD = "demo-auction-2026"
PEOPLE = ("alice", "bob", "carol", "dave")
STAFF = "staff"
MINUTE, DAY = 60, 24 * 3600

# (seller, title, category, picture, start, reserve, buy now, duration in seconds, location)
LISTINGS = (
    ("alice", "Vintage rangefinder camera", "electronics", "camera", "45.00", "120.00", None, 5 * MINUTE, "lyon"),
    ("alice", "Mid-century desk lamp", "home", "lamp", "12.00", None, "60.00", 3 * MINUTE, "paris"),
    ("bob", "Acoustic guitar, solid spruce top", "music", "guitar", "80.00", None, None, 1 * DAY, "berlin"),
    ("bob", "First edition novel, signed", "books", "book", "25.00", "75.00", "200.00", 3 * DAY, "london"),
    ("carol", "Automatic diver's watch", "fashion", "watch", "150.00", None, "600.00", 10 * MINUTE, "geneva"),
    ("carol", "Steel road bike, 56 cm", "sports", "bike", "220.00", "300.00", None, 5 * DAY, "amsterdam"),
)


class Command(BaseCommand):
    help = "Create demo users and list demo auctions (again only when none is open)."

    def handle(self, **options):
        users = get_user_model()
        for name in (*PEOPLE, STAFF):
            user, created = users.objects.get_or_create(username=name, defaults={"email": f"{name}@example.com"})
            if created:
                user.set_password(PASSWORD)
                user.is_staff = user.is_superuser = name == STAFF
                user.save()
        if not Item.objects.filter(status=Item.Status.OPEN).exists():
            for seller, title, category, picture, start, reserve, buy_now, seconds, location in LISTINGS:
                item_put_up(
                    seller=users.objects.get(username=seller),
                    title=title,
                    description=f"{title}. Well kept, from a smoke-free home; pick-up or shipping at cost.",
                    category=category,
                    image_urls=[static(f"demo/{picture}.svg")],
                    location=location,
                    starting_price=Money.parse(start, settings.AUCTION_CURRENCY),
                    reserve_price=reserve and Money.parse(reserve, settings.AUCTION_CURRENCY),
                    buy_now_price=buy_now and Money.parse(buy_now, settings.AUCTION_CURRENCY),
                    duration_seconds=max(seconds, settings.AUCTION_MIN_DURATION_SECONDS),
                )
            self.stdout.write(f"listed {len(LISTINGS)} demo auctions")
        self.stdout.write(
            f"demo logins (password {PASSWORD!r}): {', '.join(PEOPLE)}; staff: {STAFF}"
        )
