"""JSON sent to the site, parsed within limits: a body too large is refused before parsing, one
nested too deep before the parser recurses (Python's `json` recurses once per level, so 50,000
`[` would end in a RecursionError).

Pure: no Django; callers pass the limits (`AUCTION_JSON_MAX_BYTES`, `AUCTION_JSON_MAX_DEPTH`).
"""
import json
import re

# A string literal (escapes included), or one bracket; strings are matched whole so that the
# brackets inside them are skipped.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_OPENING = frozenset(b"[{")


class JsonRefused(ValueError):
    """Why a body is not accepted, in words, with the HTTP status to answer (400 or 413)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def nesting_depth(raw: bytes, *, stop_above: int | None = None) -> int:
    """How deep arrays and objects nest in `raw` (0 for a scalar), without parsing it; stops
    counting once past `stop_above`. Brackets of malformed text are counted as they come: the
    parser refuses that text anyway."""
    depth = deepest = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token[0] in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    return deepest
        elif token[0] != ord('"'):
            depth -= 1
    return deepest


def size_words(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KB"
    return f"{size} bytes"


def too_large(max_bytes: int) -> JsonRefused:
    return JsonRefused(f"The request body is too large: send at most {size_words(max_bytes)}.", status=413)


def parse_json(raw: bytes, *, max_bytes: int, max_depth: int) -> object:
    """`raw` parsed, or `JsonRefused`: 413 when larger than `max_bytes`, 400 when nested deeper than
    `max_depth` or not JSON at all."""
    if len(raw) > max_bytes:
        raise too_large(max_bytes)
    if nesting_depth(raw, stop_above=max_depth) > max_depth:
        raise JsonRefused(f"The JSON is nested too deeply: at most {max_depth} levels of arrays and objects.")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise JsonRefused("The request body is not valid JSON.") from None
