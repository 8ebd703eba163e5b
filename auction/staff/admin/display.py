"""How amounts read in admin lists."""
from streams.money import from_minor


def amount(minor: int | None, currency: str) -> str:
    """Minor units for people; a dash when there is none (no maximum, nothing sold)."""
    return "—" if minor is None or not currency else from_minor(minor, currency).display()
