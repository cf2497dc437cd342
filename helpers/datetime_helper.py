"""Checks on TIMEX expressions (the date format the recognizers return)."""

import re
from contextvars import ContextVar
from datetime import date
from enum import Enum

# The day taken for today: the server's, unless messages are read as of another day (a
# measurement of messages written on a known day: benchmarks.nlu).
AS_OF: ContextVar[date | None] = ContextVar("corebot_as_of", default=None)

# One calendar day: `2055-05-05`. Not a range (`(2055-05-05,2055-05-12,P1W)`), a week, a
# month, a weekday (`XXXX-WXX-5`) or a day without its year (`XXXX-05-05`).
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The start of a date's TIMEX, as opposed to a time (`T15`), a duration (`P2D`) or a vague
# reference (`FUTURE_REF` for "asap", `PRESENT_REF` for "right now").
_DATE = re.compile(r"(\d{4}|XXXX)-|\(")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
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


_YEAR_SAID = re.compile(r"\s*,?\s*(?:of )?(this|next) year\b", re.IGNORECASE)


def with_year_said(timex: str, after: str) -> str:
    """`march 1st next year`: recognizers-text reads a day without its year and a span of
    the year; the day in that year. `after`: the text right after the day."""
    found = _YEAR_SAID.match(after)
    if found is None or not timex.startswith("XXXX-"):
        return timex
    return f"{today().year + (found[1].lower() == 'next')}{timex[4:]}"


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


class DayOrder(Enum):
    """How a locale writes a date in numbers."""

    MONTH_FIRST = "month first"  # 3/6/2028 is March 6 (en-US)
    DAY_FIRST = "day first"  # 3/6/2028 is June 3 (en-GB, and most of the world)


# Locales that write the month first; `en` alone names no country, so it is not one of them.
_MONTH_FIRST = frozenset(
    {"en-us", "en-ca", "en-ph", "en-um", "en-as", "en-gu", "en-mp", "en-pr", "en-vi", "en-fm"}
    | {"en-mh", "en-pw", "es-us", "fil", "fil-ph"}
)
# Languages whose own order is year, month, day: a date ending in its year is no telling.
_YEAR_FIRST = frozenset({"zh", "ja", "ko", "hu", "lt", "mn"})
_LOCALE = re.compile(r"([a-z]{2,3})(?:-[a-z0-9]{2,8})*")


def day_order(locale: object) -> DayOrder | None:
    """The order in which `locale` (an activity's, `en-GB`) writes dates in numbers; None
    when there is no telling (no locale, a language alone, one that writes the year first)."""
    if not isinstance(locale, str):
        return None
    tag = locale.strip().lower().replace("_", "-")
    found = _LOCALE.fullmatch(tag)
    if found is None:
        return None
    if tag in _MONTH_FIRST or tag.startswith(("en-us-", "es-us-")):
        return DayOrder.MONTH_FIRST
    language = found[1]
    if tag == language or language in _YEAR_FIRST:
        return None
    return DayOrder.DAY_FIRST


def either(first: str, second: str) -> str:
    """Two days the user may mean (`2028-03-06|2028-06-03`): asked which, never booked."""
    return f"{first}|{second}"


_EITHER = re.compile(r"(\d{4}-\d{2}-\d{2})\|(\d{4}-\d{2}-\d{2})")


def either_days(timex: str | None) -> tuple[str, str] | None:
    """The two days of an `either` value, or None."""
    found = _EITHER.fullmatch(timex or "")
    return (found[1], found[2]) if found else None


def numeric_date(said: str, locale: object) -> str | None:
    """The day a date in numbers means (`3/6/2028`, `03.06.28`), read in the order the
    locale writes dates: `2028-03-06` in en-US, `2028-06-03` in en-GB. Where the locale does
    not tell and both readings are days from today on, `either` of them. None when `said`
    holds no such date, or one that is no day either way (`13/13/2028`).
    """
    found = _NUMERIC_DATE.search(said)
    if found is None:
        return None
    first, second, year = int(found[1]), int(found[2]), int(found[3])
    if year < 100:
        year += 2000
    month_first, day_first = _day(year, first, second), _day(year, second, first)
    order = day_order(locale)
    if order is DayOrder.MONTH_FIRST or day_first is None:
        return month_first or day_first
    if order is DayOrder.DAY_FIRST or month_first is None or month_first == day_first:
        return day_first
    # Neither order is known and both are days: one gone by is not what the user means.
    bookable = [day for day in (month_first, day_first) if not is_past(day)]
    if len(bookable) == 1:
        return bookable[0]
    return either(month_first, day_first) if bookable else month_first


def numeric_dates_in(text: str) -> list[tuple[int, int]]:
    """Where `text` holds dates in numbers (`3/6/2028`, `8.21.2028`), as spans."""
    return [found.span() for found in _NUMERIC_DATE.finditer(text)]


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def spoken_day(day: str) -> str:
    """`2028-03-06` as people write it: `March 6, 2028`."""
    when = date.fromisoformat(day)
    return f"{MONTHS[when.month - 1]} {when.day}, {when.year}"


def ordinal_suffix(day: int) -> str:
    """English: `st` for 1, `nd` for 22, `th` for 11 and 13."""
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
