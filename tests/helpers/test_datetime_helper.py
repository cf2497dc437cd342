import pytest

from helpers.datetime_helper import date_part, is_definite


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
