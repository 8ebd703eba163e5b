"""Pictures for forms that want a real photo, recognised by its bytes."""
import struct
import zlib


def png(width: int = 240, height: int = 180) -> bytes:
    """A small gradient picture: the sell form wants a real photo, recognised by its bytes."""
    rows = b"".join(b"\0" + bytes(channel for x in range(width) for channel in (x, y, 160)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
