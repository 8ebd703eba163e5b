"""JSON from outside, parsed within limits: depth is measured without recursion, strings never nest."""
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auction.json_input import JsonRefused, nesting_depth, parse_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3), max_leaves=30)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


@given(VALUES, st.booleans())
def test_the_depth_is_the_nesting_of_the_value(value, ascii_only):
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()

    assert nesting_depth(raw) == _depth(value)


@given(VALUES)
def test_what_fits_the_limits_parses_to_the_same_value(value):
    raw = json.dumps(value).encode()

    assert parse_json(raw, max_bytes=len(raw), max_depth=_depth(value)) == value


@given(VALUES)
def test_one_level_too_deep_is_refused_with_a_400(value):
    raw = json.dumps([value]).encode()

    with pytest.raises(JsonRefused) as refused:
        parse_json(raw, max_bytes=len(raw), max_depth=_depth(value))
    assert refused.value.status == 400 and "nested too deeply" in str(refused.value)


def test_fifty_thousand_levels_are_refused_not_recursed_into():
    raw = b"[" * 50_000 + b"]" * 50_000

    with pytest.raises(JsonRefused) as refused:
        parse_json(raw, max_bytes=len(raw), max_depth=32)
    assert str(refused.value) == "The JSON is nested too deeply: at most 32 levels of arrays and objects."


@pytest.mark.parametrize(
    ("raw", "depth"),
    [(rb'"[[[["', 0), (rb'["\"[", {"a": "]]]"}]', 2), (rb'{"k\\\\": ["x"]}', 2), (b"", 0), (b"[[", 2)],
)
def test_brackets_in_strings_and_escapes(raw, depth):
    assert nesting_depth(raw) == depth


def test_too_large_is_a_413_and_not_json_a_400():
    with pytest.raises(JsonRefused) as large:
        parse_json(b'{"a": "' + b"x" * 2048 + b'"}', max_bytes=2048, max_depth=8)
    with pytest.raises(JsonRefused) as malformed:
        parse_json(b'{"a": ', max_bytes=2048, max_depth=8)

    assert (large.value.status, str(large.value)) == (413, "The request body is too large: send at most 2 KB.")
    assert (malformed.value.status, str(malformed.value)) == (400, "The request body is not valid JSON.")
