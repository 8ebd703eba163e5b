"""A rule change as staff write it and as a run keeps it: the increment table's text, and the rules' JSON."""
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auction.whatif.rules import (
    RulesInvalid,
    increments_as_text,
    increments_from_text,
    rules_as_json,
    rules_changes,
    rules_from_json,
)
from streams.bidding import LIVE_INCREMENTS, LIVE_RULES, BuyNowRule, IncrementTable, Rules


@st.composite
def tables(draw):
    bounds = sorted(draw(st.sets(st.integers(1, 10_000_00), max_size=8)))
    return IncrementTable(tuple((lower, draw(st.integers(1, 500_00))) for lower in [0, *bounds]))


@st.composite
def rule_sets(draw):
    return Rules(
        increments=draw(tables()),
        proxy_bidding=draw(st.booleans()),
        buy_now=draw(st.sampled_from(list(BuyNowRule))),
        extension_window_seconds=draw(st.none() | st.integers(0, 3600)),
        extension_cap_seconds=draw(st.none() | st.integers(0, 7200)),
    )


@given(tables())
def test_a_table_reads_back_from_its_text(table):
    assert increments_from_text(increments_as_text(table)) == table


@given(rule_sets())
def test_rules_read_back_from_their_json(rules):
    assert rules_from_json(json.loads(json.dumps(rules_as_json(rules)))) == rules


def test_the_live_table_is_the_forms_starting_point_and_changes_nothing():
    assert increments_as_text().splitlines()[:2] == ["0.00 0.05", "1.00 0.25"]
    assert increments_from_text(increments_as_text()) == LIVE_INCREMENTS
    assert rules_changes(Rules(increments=increments_from_text(increments_as_text()))) == []
    assert rules_changes(LIVE_RULES) == []


def test_a_change_is_said_in_words():
    said = rules_changes(Rules(increments=IncrementTable(((0, 2_00),)), proxy_bidding=False, buy_now=BuyNowRule.OFF,
                               extension_window_seconds=60))
    assert said == ["increment table: from 0.00 +2.00", "proxy bidding off", "Buy It Now off", "soft-close window 60 s"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "at least one row"),
        ("0.00 0.05\n0.00 0.10", "ascending"),
        ("0.00 -1", "Line 1: “-1” is not an amount"),
        ("0.00 0.005", "is not an amount"),
        ("\n\n0.00 x", "Line 3"),
        ("0.00 0.05 1", "Line 1: write the price a row starts at"),
        ("0.00 2000000000", "more than any bid may be"),
        ("\n".join(f"{n}.00 1.00" for n in range(60)), "at most 50 rows"),
    ],
)
def test_a_table_that_cannot_be_read_says_why(text, message):
    with pytest.raises(RulesInvalid, match=message):
        increments_from_text(text)
