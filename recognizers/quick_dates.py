"""What recognizers-text would answer for the commonest texts, in microseconds instead of
the 10 to 25 ms its English date-time model takes.

`quick_read` answers two kinds of text and leaves every other to recognizers-text (None):
- a text that cannot hold a date: no digit, and no word that recognizers-text's English
  date-time or number patterns could start a mention with (`anchors`), but for a few common
  words that only ever join a mention to other words (`INERT_WORDS`): `Paris`, `yes`, `book a
  flight from Paris to Berlin`;
- one explicit date in such a text: `March 3rd 2027`, `3/15/2027`, `the 4th of July 2027`,
  `2027-05-20`, `in 10 days`, `tomorrow`, `next friday`, `march 3`, with only the words
  around it that cannot change its meaning.

Both answers are held to recognizers-text's own, result for result, by a differential test
over a generated corpus (`benchmarks/date_corpus.py`): a change here must pass it.
"""

import calendar
import re
from datetime import date, datetime, timedelta
from functools import cache

import regex
from recognizers_date_time.resources.base_date_time import BaseDateTime
from recognizers_date_time.resources.english_date_time import EnglishDateTime
from recognizers_number.resources.base_numbers import BaseNumbers
from recognizers_number.resources.english_numeric import EnglishNumeric
from recognizers_text import ModelResult

from helpers.datetime_helper import ordinal_suffix
from recognizers.recent import MAX_REMEMBERED_WORD, RememberedWhenShort

# Common words that are, or begin like, words of recognizers-text's patterns, but only ever
# join other words into a mention: no text made of them and words that are not anchors
# holds a date.
INERT_WORDS = frozenset(
    """a all also an and any anything anywhere are as at be book booking but call can do
    flight flights fly for from get go going good great have hello hi how i in into is it like
    love me mind my need new no not of on or out outta please right say so somewhere something
    take thank thanks that the then there these they to too travel trip u us want was we
    which who with would yes yo you your""".split()  # noqa: SIM905
)
# Around an explicit date, the words that may stand right before it without joining it
# (recognizers-text reads `from March 3rd 2027` as a range, `by ...` as a deadline).
BEFORE_A_DATE = frozenset({"on"})
# Inert words that may follow a date without joining it.
AFTER_A_DATE = frozenset({"please", "to", "from", "for", "and", "i", "yes"})

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: number
    for number, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_DAY = r"(?P<day>\d{1,2})(?P<suffix>st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# Each form a pattern over the lower-cased text; a form with no year has two resolutions.
_FORMS = [
    rf"{_MONTH} {_DAY}(?:,? {_YEAR})?",
    rf"(?:the )?{_DAY}(?: of)? {_MONTH}(?:,? {_YEAR})?",
    r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(?:19|20)\d\d)",
    r"(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)",
    r"in (?P<days>[1-9]\d{0,2}) days?",
    r"(?P<relative>today|tomorrow)",
    r"(?P<next>next )?(?P<weekday>" + "|".join(WEEKDAYS) + ")",
]
# A date stands between spaces or at an end of the text; `. , ! ?` may follow it.
_DATES = [re.compile(rf"(?<![^\s])(?:{form})(?![^\s.,!?])") for form in _FORMS]
# Reading the resources' patterns: escapes (`\\b`, `\\d`) part words, a group's head
# (`(?<month>`, `(?:`) opens it, optional parts may be left out or written in, and a letter
# run after a group or a class continues the word before it.
_ESCAPE = re.compile(r"\\[A-Za-z]")
_GROUP_HEAD = re.compile(r"\(\?(?:<[A-Za-z]+>|:|<?[=!])")
_OPTIONAL = re.compile(r"[()?]")
_CONTINUING = frozenset(")?]*+}")
# recognizers-text drops a mention that one of these overlaps (`may i`, `we may`, `good
# morning`); a text that holds one is left to it. Its own patterns, in its own regex module.
_AMBIGUOUS = [regex.compile(pattern) for pattern in EnglishDateTime.AmbiguityFiltersDict.values()]
_CONTRACTION = re.compile(r"'(?:s|d|m|t|ll|ve|re)\b")
_WORD = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")


@cache
def _pattern_words() -> tuple[frozenset[str], frozenset[str]]:
    """The words recognizers-text's English date-time and number resources (patterns, word
    lists, tables) are made of: the beginnings of every letter run, and the runs that start a
    word; each read as written (`apr`, `il`) and with its optional parts in (`april`)."""
    beginnings: set[str] = set()
    starts: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, str):
            text = _GROUP_HEAD.sub("(", _ESCAPE.sub(" ", value))
            for form in (text, _OPTIONAL.sub("", text)):
                for run in re.finditer(r"[A-Za-z]+", form):
                    word = run.group().lower()
                    beginnings.update(word[:end] for end in range(1, len(word) + 1))
                    if run.start() == 0 or form[run.start() - 1] not in _CONTINUING:
                        starts.add(word)
        elif isinstance(value, dict):
            for key, item in value.items():
                collect(key)
                collect(item)
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                collect(item)

    for resource in (EnglishDateTime, BaseDateTime, EnglishNumeric, BaseNumbers):
        for name, value in vars(resource).items():
            if not name.startswith("_"):
                collect(value)
    return frozenset(beginnings), frozenset(starts)


def _is_anchor(word: str) -> bool:
    """Whether recognizers-text might start a date or number mention at `word` (lower-case
    letters): a single letter, the beginning of a word of its patterns (`tue`, `be`), or a
    word that begins with one of three letters or more (`tuesday`, `days`, `forecast`).
    The inert words are not anchors."""
    if word in INERT_WORDS:
        return False
    beginnings, starts = _pattern_words()
    return (
        len(word) == 1
        or word in beginnings
        or any(word[:end] in starts for end in range(3, len(word)))
    )


# People use the same few hundred words.
is_anchor = RememberedWhenShort(_is_anchor, size=8192, longest=MAX_REMEMBERED_WORD)


def _inert(text: str) -> bool:
    """No digit and no anchor in `text` (lower-cased)."""
    if _DIGIT.search(text):
        return False
    return not any(is_anchor(word) for word in _WORD.findall(_CONTRACTION.sub("", text)))


def quick_read(text: str, now: datetime) -> list[ModelResult] | None:
    """recognizers-text's English date-time results for `text` said at `now`, for the texts
    this module knows; None for any other."""
    lowered = text.replace("\u2019", "'").lower()
    if not lowered.isascii() or len(lowered) != len(text):
        return None
    if _inert(lowered):
        return []
    found = [match for pattern in _DATES for match in pattern.finditer(lowered)]
    if len(found) != 1:
        return None
    match = found[0]
    before, after = lowered[: match.start()], lowered[match.end() :]
    if not (_inert(before) and _inert(after)):
        return None
    previous, following = _WORD.findall(before)[-1:], _WORD.findall(after)[:1]
    if previous and previous[0] in INERT_WORDS and previous[0] not in BEFORE_A_DATE:
        return None
    if following and following[0] in INERT_WORDS and following[0] not in AFTER_A_DATE:
        return None
    days = _resolve(match, now.date())
    if days is None or any(pattern.search(lowered) for pattern in _AMBIGUOUS):
        return None
    return [_result(match, *days)]


def _resolve(match: re.Match[str], today: date) -> tuple[str, list[date]] | None:
    """The TIMEX of the date `match` names and the days it resolves to (past, then future,
    when the year is left out); None for a date that does not exist."""
    parts = {name: value for name, value in match.groupdict().items() if value}
    if "relative" in parts:
        return _exact(today + timedelta(days=int(parts["relative"] == "tomorrow")))
    if "days" in parts:
        return _exact(today + timedelta(days=int(parts["days"])))
    if "weekday" in parts:
        weekday = WEEKDAYS[parts["weekday"]]
        if "next" in parts:
            monday = today - timedelta(days=today.weekday())
            return _exact(monday + timedelta(days=7 + weekday))
        coming = today + timedelta(days=(weekday - today.weekday()) % 7)
        return f"XXXX-WXX-{weekday + 1}", [coming - timedelta(days=7), coming]
    if "iy" in parts:
        return _day(int(parts["iy"]), int(parts["im"]), int(parts["id"]))
    if "y" in parts:
        first, second = int(parts["m"]), int(parts["d"])
        month, day = (second, first) if first > 12 else (first, second)
        return _day(int(parts["y"]), month, day)
    day = int(parts["day"])
    if "suffix" in parts and parts["suffix"] != ordinal_suffix(day):
        return None
    month = MONTHS[parts["month"]]
    if "year" in parts:
        return _day(int(parts["year"]), month, day)
    if not 1 <= day <= calendar.monthrange(2001, month)[1]:  # a year without February 29th
        return None
    this_year = date(today.year, month, day)
    coming = this_year if this_year > today else this_year.replace(year=today.year + 1)
    return f"XXXX-{month:02}-{day:02}", [coming.replace(year=coming.year - 1), coming]


def _exact(day: date) -> tuple[str, list[date]]:
    return day.isoformat(), [day]


def _day(year: int, month: int, day: int) -> tuple[str, list[date]] | None:
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return _exact(date(year, month, day))


def _result(match: re.Match[str], timex: str, days: list[date]) -> ModelResult:
    result = ModelResult()
    result.text = match.group()
    result.start = match.start()
    result.end = match.end() - 1
    result.type_name = "datetimeV2.date"
    result.resolution = {
        "values": [{"timex": timex, "type": "date", "value": day.isoformat()} for day in days]
    }
    return result
