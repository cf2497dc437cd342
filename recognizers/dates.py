"""Dates in English text, found by Microsoft's recognizers-text.

The recognizers are pure Python and slow: 3 to 15 ms for a short sentence, about a second
for 1,000 digit-heavy characters. So the async functions run them on a long text in a worker
thread, which keeps the event loop serving other conversations (the GIL is handed over every
few milliseconds); a short text is read at once, sparing the thread hand-offs, which under
load cost more than the reading. And they remember recent results: people answer with the
same few words ("tomorrow", "next friday") over and over.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from recognizers_choice import recognize_boolean
from recognizers_date_time import DateTimeOptions, recognize_datetime
from recognizers_number import recognize_number
from recognizers_text import Culture, ModelResult

_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="recognizers")
T = TypeVar("T")

# Up to this many characters the recognizers take at most about 15 ms.
READ_AT_ONCE = 64
# Resolutions that depend on the reference date alone, never on the time of day.
DATE_ONLY_TYPES = frozenset({"date", "daterange", "duration", "set"})


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int  # exclusive
    text: str
    type: str
    timex: list[str]


def find_dates(text: str, now: datetime | None = None) -> list[DateMention]:
    """Every date or time mention in `text` that has a TIMEX resolution, `now` (default:
    the clock) being when it is said."""
    return mentions(recognize_datetime(text, Culture.English, DateTimeOptions.NONE, now))


def mentions(results: list[ModelResult]) -> list[DateMention]:
    dates = []
    for mention in results:
        values = (mention.resolution or {}).get("values") or []
        timex = list(dict.fromkeys(value["timex"] for value in values if "timex" in value))
        if timex:
            kind = mention.type_name.rsplit(".", 1)[-1]
            dates.append(DateMention(mention.start, mention.end + 1, mention.text, kind, timex))
    return dates


class RecentRecognitions:
    """The last `size` recognitions that stay true all day, by text, culture and date.

    A recognition depends on the text and the reference time. Mentions are found from the
    text alone; a resolution of type date, date range, duration or set depends only on the
    reference date. Results with a time of day, or with a mention left unresolved, are not
    kept. Use from the event loop's thread only.
    """

    def __init__(self, size: int, clock: Callable[[], datetime] = datetime.now) -> None:
        self._size = size
        self._clock = clock
        self._results: OrderedDict[tuple[str, str, date], list[ModelResult]] = OrderedDict()

    def resize(self, size: int) -> None:
        self._size = size
        while len(self._results) > size:
            self._results.popitem(last=False)

    async def recognize(self, text: str, culture: str) -> list[ModelResult]:
        now = self._clock()
        key = (text, culture, now.date())
        results = self._results.get(key)
        if results is not None:
            self._results.move_to_end(key)
            return results
        results = await read(text, recognize_datetime, text, culture, DateTimeOptions.NONE, now)
        if self._size and all(_date_only(result) for result in results):
            self._results[key] = results
            if len(self._results) > self._size:
                self._results.popitem(last=False)
        return results


def _date_only(result: ModelResult) -> bool:
    values = (result.resolution or {}).get("values")
    return bool(values) and all(value.get("type") in DATE_ONLY_TYPES for value in values)


recent = RecentRecognitions(size=4096)


async def read(text: str, function: Callable[..., T], *args: Any) -> T:
    """`function(*args)`, a recognizer reading `text`: here if the text is short, else in the
    recognizers' worker thread."""
    if len(text) <= READ_AT_ONCE:
        return function(*args)
    return await off_loop(function, *args)


async def off_loop(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)`, run in the recognizers' worker thread."""
    return await asyncio.get_running_loop().run_in_executor(_workers, function, *args)


async def find_dates_off_loop(text: str) -> list[DateMention]:
    return mentions(await recent.recognize(text, Culture.English))


async def recognize_off_loop(text: str, culture: str) -> list[ModelResult]:
    """recognizers-text's raw results for `text` read in `culture`. Treat them as read-only:
    they may be shared with other turns."""
    return await recent.recognize(text, culture)


def warm_up() -> None:
    """Build the recognizers-text models the bot uses (dates for the date prompt and the
    embedded recognizer, yes/no and numbers for the confirm prompt): the first use of each
    takes 50 to 300 ms."""
    recognize_datetime("tomorrow", Culture.English)
    recognize_boolean("yes", Culture.English)
    recognize_number("1", Culture.English)
