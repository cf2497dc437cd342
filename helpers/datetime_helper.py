"""Checks on TIMEX expressions (the date format the recognizers return)."""

import re
from contextvars import ContextVar
from datetime import date

# The day taken for today: the server's, unless messages are read as of another day (a
# measurement of messages written on a known day: benchmarks.nlu).
AS_OF: ContextVar[date | None] = ContextVar("corebot_as_of", default=None)

# One calendar day: `2055-05-05`. Not a range (`(2055-05-05,2055-05-12,P1W)`), a week, a
# month, a weekday (`XXXX-WXX-5`) or a day without its year (`XXXX-05-05`).
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The start of a date's TIMEX, as opposed to a time (`T15`), a duration (`P2D`) or a vague
# reference (`FUTURE_REF` for "asap", `PRESENT_REF` for "right now").
_DATE = re.compile(r"(\d{4}|XXXX)-|\(")
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# `05/12/2026`: the 5th of December to most of the world, May 12th to recognizers-text.
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")


def date_part(timex: str) -> str:
    """The date of a TIMEX date-time: `2055-05-05T10` -> `2055-05-05`."""
    return timex.split("T", 1)[0]


def is_definite(timex: str) -> bool:
    """True when the TIMEX names one calendar day that exists: year, month and day are all
    known (recognizers-text also writes `2027-02-30` for "February 30 2027")."""
    day = date_part(timex)
    if _DAY.fullmatch(day) is None:
        return False
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def is_date(timex: str) -> bool:
    """True when the TIMEX names a date, however vague (a day, a weekday, a week, a range)."""
    return _DATE.match(timex) is not None


def today() -> date:
    """The server's date, or the day `AS_OF` holds."""
    return AS_OF.get() or date.today()


def is_past(timex: str, day: date | None = None) -> bool:
    """True when the TIMEX's calendar day is before `day` (by default today)."""
    return date_part(timex) < (day or today()).isoformat()


def is_bookable(timex: str) -> bool:
    """One calendar day, today or later."""
    return is_definite(timex) and not is_past(timex)


def passed_weekday(said: str, timex: str, day: date | None = None) -> str | None:
    """The weekday TIMEX for `this friday` said after Friday has passed this week.

    recognizers-text reads `this friday` as this week's Friday even when it is over; a
    person saying it on Saturday means the next one. Which one is not certain, so the bot
    takes it as a weekday and asks (None: not such a case)."""
    words = said.lower().split()
    if "this" not in words or not is_definite(timex) or not is_past(timex, day):
        return None
    named = date.fromisoformat(date_part(timex))
    if not any(word.startswith(_WEEKDAY_NAMES[named.weekday()]) for word in words):
        return None
    return f"XXXX-WXX-{named.isoweekday()}"


def day_and_month_unclear(said: str) -> bool:
    """True for a date in numbers that reads as two days (`05/12/2026`, `3.4.27`): which is
    the month is not certain, so the bot asks rather than guesses."""
    return any(
        first != second and int(first) <= 12 and int(second) <= 12
        for first, second, _ in _NUMERIC_DATE.findall(said)
    )


def ordinal_suffix(day: int) -> str:
    """English: `st` for 1, `nd` for 22, `th` for 11 and 13."""
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
