"""How other people's names appear in public: enough to tell bidders apart, not enough to find them."""

HIDDEN = "***"


def mask_name(name: str) -> str:
    """First and last letter around a fixed run of stars ("jonathan" → "j***n").

    The run never varies, so the mask does not leak the name's length; names of one or two
    letters keep only their first, or the mask would show them whole.
    """
    if not name:
        return HIDDEN
    if len(name) <= 2:
        return f"{name[0]}{HIDDEN}"
    return f"{name[0]}{HIDDEN}{name[-1]}"


def public_name(name: str, *, person_id: int | None, viewer_id: int | None) -> str:
    """`name` masked, except for the person themself: people may always see their own name."""
    return name if viewer_id is not None and person_id == viewer_id else mask_name(name)
