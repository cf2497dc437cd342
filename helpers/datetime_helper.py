"""Checks on TIMEX expressions (the date format the recognizers return)."""

from datatypes_date_time.timex import Timex


def date_part(timex: str) -> str:
    """The date of a TIMEX date-time: `2055-05-05T10` -> `2055-05-05`."""
    return timex.split("T", 1)[0]


def is_definite(timex: str) -> bool:
    """True when the TIMEX names one calendar day: year, month and day are all known."""
    return "definite" in Timex(date_part(timex)).types
