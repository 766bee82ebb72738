import datetime

import pytest

from reports.periods import Period, Quarter

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026Q3", Quarter(2026, 3)), ("2026q1", Quarter(2026, 1)), (" 2025 Q4 ", Quarter(2025, 4))],
)
def test_quarter_is_parsed_from_its_written_form(text, expected):
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q3", "2026-Q3", "Q3", "", "2026"])
def test_malformed_quarters_are_refused(text):
    with pytest.raises(ValueError, match="2026Q3"):
        Quarter.parse(text)


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (Quarter(2026, 1), D(2026, 1, 1), D(2026, 3, 31)),
        (Quarter(2026, 2), D(2026, 4, 1), D(2026, 6, 30)),
        (Quarter(2026, 3), D(2026, 7, 1), D(2026, 9, 30)),
        (Quarter(2026, 4), D(2026, 10, 1), D(2026, 12, 31)),
        (Quarter(2024, 1), D(2024, 1, 1), D(2024, 3, 31)),  # leap year: still ends on the 31st
    ],
)
def test_quarter_first_and_last_day(quarter, first, last):
    assert (quarter.first_day, quarter.last_day) == (first, last)
    assert quarter.period == Period(first, last)


def test_previous_next_and_a_year_earlier_cross_year_ends():
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 3).previous() == Quarter(2026, 2)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 3).year_earlier() == Quarter(2025, 3)


def test_quarter_containing_a_day_and_the_one_just_ended():
    assert Quarter.containing(D(2026, 9, 30)) == Quarter(2026, 3)
    assert Quarter.containing(D(2026, 10, 1)) == Quarter(2026, 4)
    # on the first day of a quarter, the quarter just ended is the previous one
    assert Quarter.just_ended(D(2026, 4, 1)) == Quarter(2026, 1)
    assert Quarter.just_ended(D(2026, 1, 1)) == Quarter(2025, 4)
    assert Quarter.just_ended(D(2026, 3, 31)) == Quarter(2025, 4)


def test_last_eight_quarters_end_with_this_one_oldest_first():
    quarters = Quarter(2026, 2).last(8)
    assert [str(q) for q in quarters] == [
        "2024Q3",
        "2024Q4",
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
        "2026Q1",
        "2026Q2",
    ]


def test_quarter_has_ended_only_after_its_last_day():
    assert not Quarter(2026, 3).has_ended(D(2026, 9, 30))
    assert Quarter(2026, 3).has_ended(D(2026, 10, 1))


def test_quarters_print_and_sort_as_written():
    assert str(Quarter(2026, 3)) == "2026Q3"
    assert Quarter(2026, 3).label == "2026年第三季度"
    assert sorted([Quarter(2026, 1), Quarter(2025, 4), Quarter(2026, 3)]) == [
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 3),
    ]


def test_year_to_date_runs_from_new_year_to_the_day():
    period = Period.year_to_date(D(2026, 9, 30))
    assert (period.first_day, period.last_day) == (D(2026, 1, 1), D(2026, 9, 30))
    assert D(2026, 1, 1) in period
    assert D(2025, 12, 31) not in period
    with pytest.raises(ValueError, match="ends before"):
        Period(D(2026, 2, 1), D(2026, 1, 1))
