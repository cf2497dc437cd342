"""Checks on TIMEX expressions (the date format the recognizers return)."""

from datetime import date

from datatypes_date_time.timex import Timex


def date_part(timex: str) -> str:
    """The date of a TIMEX date-time: `2055-05-05T10` -> `2055-05-05`."""
    return timex.split("T", 1)[0]


def is_definite(timex: str) -> bool:
    """True when the TIMEX names one calendar day: year, month and day are all known."""
    return "definite" in Timex(date_part(timex)).types


def is_past(timex: str, today: date | None = None) -> bool:
    """True when the TIMEX's calendar day is before today (the server's date)."""
    return date_part(timex) < (today or date.today()).isoformat()


def is_bookable(timex: str) -> bool:
    """One calendar day, today or later."""
    return is_definite(timex) and not is_past(timex)
