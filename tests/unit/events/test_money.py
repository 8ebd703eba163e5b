import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from streams.money import CurrencyMismatch, Money


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12.50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("0", 0),
        ("0.01", 1),
        (" 7.05 ", 705),
        ("1000000", 100000000),
    ],
)
def test_parse_reads_decimal_amounts(text, minor):
    assert Money.parse(text, "EUR") == Money(minor=minor, currency="EUR")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("12.345", "more than 2 decimal places"),
        ("-1", "negative"),
        ("-0.50", "negative"),
        ("", "not an amount"),
        ("abc", "not an amount"),
        ("12,50", "not an amount"),
        ("1e3", "not an amount"),
        (".5", "not an amount"),
        ("12.", "not an amount"),
        ("+3", "not an amount"),
        ("١٢", "not an amount"),  # Arabic-Indic digits: int() would accept them, we do not
    ],
)
def test_parse_refuses_what_is_not_an_amount_and_says_why(text, complaint):
    with pytest.raises(ValueError, match=complaint):
        Money.parse(text)


def test_parse_keeps_the_currency_and_checks_it():
    assert Money.parse("3", "USD").currency == "USD"
    with pytest.raises(ValidationError):
        Money.parse("3", "usd")


@given(minor=st.integers(0, 10**15), currency=st.sampled_from(["EUR", "USD", "GBP", "CHF"]))
def test_format_and_parse_round_trip(minor, currency):
    money = Money(minor=minor, currency=currency)
    assert Money.parse(money.format(), currency) == money


@given(units=st.integers(0, 10**9), cents=st.integers(0, 99))
def test_format_always_shows_two_decimals(units, cents):
    assert Money(minor=units * 100 + cents).format() == f"{units}.{cents:02d}"


def test_str_names_the_currency():
    assert str(Money(minor=1250, currency="GBP")) == "12.50 GBP"


@given(a=st.integers(0, 10**12), b=st.integers(0, 10**12))
def test_addition_and_order_follow_the_minor_units(a, b):
    first, second = Money(minor=a), Money(minor=b)
    assert (first + second).minor == a + b
    assert (first < second) == (a < b)
    assert (first <= second) == (a <= b)
    assert (first > second) == (a > b)
    assert max(first, second).minor == max(a, b)


def test_currencies_never_mix():
    euro, dollar = Money(minor=100, currency="EUR"), Money(minor=100, currency="USD")
    with pytest.raises(CurrencyMismatch):
        euro + dollar
    with pytest.raises(CurrencyMismatch):
        euro < dollar
    with pytest.raises(CurrencyMismatch):
        euro >= dollar
    assert euro != dollar


def test_money_is_immutable_and_never_negative():
    money = Money(minor=5)
    with pytest.raises(ValidationError):
        money.minor = 6
    with pytest.raises(ValidationError):
        Money(minor=-1)
