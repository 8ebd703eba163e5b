"""How amounts read in admin lists."""
from auction.catalog.presentation import money_display
from streams.money import Money


def amount(minor: int | None, currency: str) -> str:
    """Minor units for people; a dash when there is none (no maximum, nothing sold)."""
    return "—" if minor is None or not currency else money_display(Money(minor=minor, currency=currency))
