from datetime import date as Date

import pytest

from helpers.datetime_helper import (
    AS_OF,
    DayOrder,
    date_part,
    day_order,
    either_days,
    is_bookable,
    is_definite,
    is_past,
    numeric_date,
    spoken_day,
)
from tests.conftest import NEXT_YEAR


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


@pytest.mark.parametrize(
    ("locale", "order"),
    [
        ("en-US", DayOrder.MONTH_FIRST),
        ("EN_us", DayOrder.MONTH_FIRST),
        ("en-CA", DayOrder.MONTH_FIRST),
        ("en-PH", DayOrder.MONTH_FIRST),
        ("es-US", DayOrder.MONTH_FIRST),
        ("en-GB", DayOrder.DAY_FIRST),
        ("en-AU", DayOrder.DAY_FIRST),
        ("en-IN", DayOrder.DAY_FIRST),
        ("en-ZA", DayOrder.DAY_FIRST),
        ("fr-FR", DayOrder.DAY_FIRST),
        ("de-DE", DayOrder.DAY_FIRST),
        ("es-ES", DayOrder.DAY_FIRST),
        ("en", None),
        ("ja-JP", None),
        ("zh-CN", None),
        ("", None),
        ("not a locale!", None),
        (None, None),
        (42, None),
    ],
)
def test_day_order(locale: object, order: DayOrder | None) -> None:
    assert day_order(locale) == order


@pytest.mark.parametrize(
    ("said", "locale", "day"),
    [
        ("3/6/2028", "en-US", "2028-03-06"),
        ("on 3/6/2028 please", "en-GB", "2028-06-03"),
        ("03.06.28", "de-DE", "2028-06-03"),
        ("3-6-2028", "en-US", "2028-03-06"),
        (f"3/6/{NEXT_YEAR}", None, f"{NEXT_YEAR}-03-06|{NEXT_YEAR}-06-03"),
        ("13/6/2028", "en-US", "2028-06-13"),
        ("6/13/2028", "en-GB", "2028-06-13"),
        ("4/4/2028", None, "2028-04-04"),
        ("13/13/2028", None, None),
        ("2028-03-06", None, None),
        ("3/6", "en-US", None),
        ("tomorrow", "en-US", None),
    ],
)
def test_numeric_date(said: str, locale: str | None, day: str | None) -> None:
    assert numeric_date(said, locale) == day


def test_with_no_locale_a_reading_gone_by_is_not_offered() -> None:
    as_of = AS_OF.set(Date(2028, 4, 1))
    try:
        assert numeric_date("3/6/2028", None) == "2028-06-03"  # March 6 is past
        assert numeric_date("3/2/2028", None) == "2028-03-02"  # both past: the past answer
    finally:
        AS_OF.reset(as_of)


def test_either_days_and_how_they_are_named() -> None:
    assert either_days("2028-03-06|2028-06-03") == ("2028-03-06", "2028-06-03")
    assert either_days("2028-03-06") is None
    assert either_days(None) is None
    assert spoken_day("2028-03-06") == "March 6, 2028"
