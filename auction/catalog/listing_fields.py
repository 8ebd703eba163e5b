"""The fields an item keeps exactly as its listing gave them, under the same names.

The projector copies them from an `ItemListed` into the item's row; staff relisting copies them
back from the row into a new listing. Pictures and prices are not among them: each direction
handles those itself (the event carries `Money`, the row a currency and integer minor units).
"""

AS_LISTED = ("seller_id", "seller_name", "title", "description", "category", "location")


def as_listed(source) -> dict:
    """The `AS_LISTED` fields of an `ItemListed` or an `Item`, by name: what the other takes of them."""
    return {name: getattr(source, name) for name in AS_LISTED}
