"""Dates in English text, found by Microsoft's recognizers-text.

The recognizers are pure Python and slow on some inputs: 1,000 digit-heavy characters take
about a second. The async functions run them in a worker thread so the event loop keeps
serving other conversations meanwhile (the GIL is handed over every few milliseconds).
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from recognizers_date_time import recognize_datetime
from recognizers_text import Culture, ModelResult

_workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="recognizers")
T = TypeVar("T")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int  # exclusive
    text: str
    type: str
    timex: list[str]


def find_dates(text: str) -> list[DateMention]:
    """Every date or time mention in `text` that has a TIMEX resolution."""
    dates = []
    for mention in recognize_datetime(text, Culture.English):
        values = (mention.resolution or {}).get("values") or []
        timex = list(dict.fromkeys(value["timex"] for value in values if "timex" in value))
        if timex:
            kind = mention.type_name.rsplit(".", 1)[-1]
            dates.append(DateMention(mention.start, mention.end + 1, mention.text, kind, timex))
    return dates


async def off_loop(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)`, run in the recognizers' worker thread."""
    return await asyncio.get_running_loop().run_in_executor(_workers, function, *args)


async def find_dates_off_loop(text: str) -> list[DateMention]:
    return await off_loop(find_dates, text)


async def recognize_off_loop(text: str, culture: str) -> list[ModelResult]:
    """recognizers-text's raw results for `text` read in `culture`."""
    return await off_loop(recognize_datetime, text, culture)
