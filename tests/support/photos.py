"""Real photos for tests that upload some: the site decodes every upload, so a few magic bytes are not enough."""
import io

from PIL import Image


def photo_bytes(image_format: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    """A plain-colour picture of `size`, encoded as `image_format` (PNG, JPEG, WEBP, GIF)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 120, 40)).save(buffer, format=image_format)
    return buffer.getvalue()
