"""The fixed list of categories an item can be listed in: (code, label)."""
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("art", "Art"),
    ("books", "Books"),
    ("collectibles", "Collectibles"),
    ("electronics", "Electronics"),
    ("fashion", "Fashion"),
    ("home", "Home & Garden"),
    ("music", "Music"),
    ("sports", "Sports"),
    ("toys", "Toys & Games"),
    ("vehicles", "Vehicles"),
)
CATEGORY_LABELS = dict(CATEGORIES)
