"""The target breakdown's arithmetic: months by seasonality aligned to the Spring
Festival, stores by recent sales with a floor for new ones, every sum exact."""

from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from gcs_excel.target_rule import by_month, by_store, seasonality

FLAT = {m: 100 for m in range(1, 13)}
PEAK_JAN = {**FLAT, 1: 300, 2: 50}


@pytest.mark.parametrize("year, own, dept, min_months, source, jan, feb", [
    (2024, PEAK_JAN, FLAT, 12, "customer", Fraction(50, 1350), Fraction(300, 1350)),   # 2023 Jan -> 2024 Feb: swapped
    (2025, PEAK_JAN, FLAT, 12, "customer", Fraction(50, 1350), Fraction(300, 1350)),   # 2024 Feb -> 2025 Jan: swapped
    (2027, PEAK_JAN, FLAT, 12, "customer", Fraction(300, 1350), Fraction(50, 1350)),   # 2026 Feb, 2027 Feb: kept
    (2027, {1: 10, 2: 10}, PEAK_JAN, 12, "department", Fraction(300, 1350), Fraction(50, 1350)),
    (2027, {1: 10}, {2: 5}, 12, "equal", Fraction(1, 12), Fraction(1, 12)),
    (2027, {**FLAT, 12: 0}, FLAT, 11, "customer", Fraction(1, 11), Fraction(1, 11)),
])
def test_seasonality(year, own, dept, min_months, source, jan, feb):
    s = seasonality(year, own, dept, min_months)
    assert (s.source, s.shares[0], s.shares[1], sum(s.shares)) == (source, jan, feb, 1)


def test_festival_note_says_what_moved():
    assert "对调" in seasonality(2024, PEAK_JAN, FLAT).festival_note
    assert seasonality(2027, PEAK_JAN, FLAT).festival_note == ""
    assert "没有" in seasonality(2035, PEAK_JAN, FLAT).festival_note


def test_by_month_worked():
    s = seasonality(2027, PEAK_JAN, FLAT)
    assert by_month(1350, s) == (300, 50) + (100,) * 10
    assert by_month(13, seasonality(2027, {}, {})) == (2,) + (1,) * 11     # ties: the smaller month first


@pytest.mark.parametrize("total, weights, new, floor, expected", [
    (100, {"A": 3, "B": 1}, [], 10, {"A": 75, "B": 25}),
    (100, {"A": 3, "B": 1, "N": 0}, ["N"], 20, {"A": 60, "B": 20, "N": 20}),
    (10, {"A": 1, "N1": 0, "N2": 0}, ["N1", "N2"], 20, {"A": 0, "N1": 5, "N2": 5}),   # floor cut to fit
    (7, {"N1": 0, "N2": 0}, ["N1", "N2"], 5, {"N1": 4, "N2": 3}),                     # only new stores: equal
    (9, {"A": 0, "B": 0, "C": 0}, [], 0, {"A": 3, "B": 3, "C": 3}),
])
def test_by_store(total, weights, new, floor, expected):
    assert by_store(total, weights, new, floor) == expected


def test_by_store_needs_a_store():
    with pytest.raises(ValueError):
        by_store(5, {}, [], 1)


sales = st.dictionaries(st.integers(1, 12), st.integers(0, 10_000) | st.floats(0, 1e4, allow_nan=False))


@settings(max_examples=200, deadline=None)
@given(st.integers(2003, 2032), sales, sales, st.integers(0, 12), st.integers(0, 10**7))
def test_months_sum_exactly(year, own, dept, min_months, total):
    s = seasonality(year, own, dept, min_months)
    months = by_month(total, s)
    assert sum(months) == total and len(months) == 12 and min(months) >= 0
    assert by_month(total, s) == months                         # deterministic


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**6), st.dictionaries(st.text("0123456789", min_size=1, max_size=4),
                                                st.integers(0, 5000), min_size=1, max_size=30),
       st.sets(st.text("ABC", min_size=1, max_size=3), max_size=5), st.integers(0, 50))
def test_stores_sum_exactly(total, weights, new, floor):
    parts = by_store(total, {**weights, **dict.fromkeys(new, 0)}, sorted(new), floor)
    assert sum(parts.values()) == total and min(parts.values()) >= 0
    assert set(parts) == set(weights) | new
    if new and total >= floor * len(new):
        assert all(parts[k] >= floor for k in new)
    assert by_store(total, dict(reversed(list({**weights, **dict.fromkeys(new, 0)}.items()))),
                    sorted(new, reverse=True), floor) == parts           # input order does not matter
