"""The fields an item keeps exactly as its listing gave them, under the same names.

The projector copies them from an `ItemListed` into the item's row; staff relisting copies them
back from the row into a new listing. Prices are not among them: the event carries `Money`, the
row a currency and integer minor units.
"""

AS_LISTED = ("seller_id", "seller_name", "title", "description", "category", "location")


def as_listed(source) -> dict:
    """`AS_LISTED` and the image URLs (as a list) of an `ItemListed` or an `Item`: what the other is made of."""
    return {name: getattr(source, name) for name in AS_LISTED} | {"image_urls": list(source.image_urls)}
