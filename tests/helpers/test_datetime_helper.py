from datetime import date as Date

import pytest

from helpers.datetime_helper import date_part, is_bookable, is_definite, is_past


@pytest.mark.parametrize(
    ("timex", "definite"),
    [
        ("2055-05-05", True),
        ("2055-05-05T10", True),
        ("2055-05-05T10:30:00", True),
        ("XXXX-05-05", False),
        ("XXXX-WXX-5", False),
        ("2055-05", False),
        ("2026-W48", False),
        ("(XXXX-05-05,2055-05-07,P10229D)", False),
        ("T15", False),
        ("bananas", False),
        ("", False),
        ("(2026-12-06,2026-12-13,P1W)", False),
        ("2027-02-30", False),
        ("2027-04-31", False),
        ("2027-02-29", False),
        ("2028-02-29", True),
    ],
)
def test_is_definite(timex: str, definite: bool) -> None:
    assert is_definite(timex) is definite


@pytest.mark.parametrize(
    ("timex", "date"),
    [("2055-05-05T10", "2055-05-05"), ("2055-05-05", "2055-05-05"), ("XXXX-05-05", "XXXX-05-05")],
)
def test_date_part(timex: str, date: str) -> None:
    assert date_part(timex) == date


@pytest.mark.parametrize(
    ("timex", "past"),
    [
        ("2026-11-20", True),
        ("2026-11-20T23", True),
        ("2025-12-31", True),
        ("2026-11-21", False),
        ("2026-11-21T00", False),
        ("2026-11-22", False),
        ("2027-01-01", False),
    ],
)
def test_is_past(timex: str, past: bool) -> None:
    assert is_past(timex, Date(2026, 11, 21)) is past


@pytest.mark.parametrize(
    ("timex", "bookable"),
    [("2055-05-05", True), ("2001-05-05", False), ("XXXX-05-05", False), ("T10", False)],
)
def test_is_bookable(timex: str, bookable: bool) -> None:
    assert is_bookable(timex) is bookable
