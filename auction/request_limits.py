"""Request bodies bounded as they stream in, before Django reads them.

Django's ASGI handler reads a request's whole body (into a temporary file, spilling to disk)
before any middleware or view runs, however large, and whether it comes with a Content-Length or
in chunks. `BodyLimit` wraps it: a declared length past the limit is refused at once (413)
without reading a byte, and a body that streams past it is cut off right there: Django sees the
client leave and does nothing, and the client gets the 413. JSON bodies (by their Content-Type)
are held to `AUCTION_JSON_MAX_BYTES`, any other body to `AUCTION_MAX_REQUEST_BYTES`; the JSON
parser (`auction.json_input`) checks the size again, whatever the Content-Type said.
"""
import html
import json

from django.conf import settings

from auction.api import PREFIX as API_PREFIX
from auction.json_input import too_large


def _headers(scope: dict) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", ())}


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";")[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


def body_limit(content_type: bytes) -> int:
    return settings.AUCTION_JSON_MAX_BYTES if _is_json(content_type) else settings.AUCTION_MAX_REQUEST_BYTES


def _declared_length(headers: dict[bytes, bytes]) -> int | None:
    try:
        return int(headers[b"content-length"])
    except (KeyError, ValueError):
        return None


async def _refuse(scope: dict, send, limit: int) -> None:
    message = str(too_large(limit))
    if scope.get("path", "").startswith(f"/{API_PREFIX}"):
        body, content_type = json.dumps({"error": message, "fields": {}}).encode(), b"application/json"
    else:
        page = (
            f"<!doctype html><meta charset=utf-8><title>Too large</title>"
            f"<h1>Too large</h1><p>{html.escape(message)}</p><p><a href=\"javascript:history.back()\">Go back</a></p>"
        )
        body, content_type = page.encode(), b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware for HTTP; anything else (websockets) passes through untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        limit = body_limit(headers.get(b"content-type", b""))
        declared = _declared_length(headers)
        if declared is not None and declared > limit:
            return await _refuse(scope, send, limit)
        received, cut, started = 0, False, False

        async def bounded_receive() -> dict:
            nonlocal received, cut
            if cut:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, bounded_receive, watched_send)
        if cut and not started:
            await _refuse(scope, send, limit)
