import asyncio
import threading
import time
import unicodedata
from datetime import datetime
from typing import Any

import pytest
from recognizers_text import Culture

from recognizers import dates
from recognizers.dates import FairWorker, RecentRecognitions, Steps


class Counting:
    """recognize_datetime, counting the calls that reach it."""

    def __init__(self) -> None:
        self.calls = 0
        self._recognize = dates.recognize_datetime

    def __call__(self, *args: Any) -> list:
        self.calls += 1
        return self._recognize(*args)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    counter = Counting()
    monkeypatch.setattr(dates, "recognize_datetime", counter)
    return counter


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def values(results: list) -> list[tuple[str, str]]:
    return [(v["type"], v["timex"]) for r in results for v in r.resolution["values"]]


async def test_a_date_is_recognized_once_a_day_and_again_the_next_day(counting: Counting) -> None:
    clock = Clock(datetime(2026, 11, 21, 9, 0))
    recent = RecentRecognitions(10, clock)

    text = "the day after tomorrow"
    assert values(await recent.recognize(text, Culture.English)) == [("date", "2026-11-23")]
    clock.now = datetime(2026, 11, 21, 23, 59)
    assert values(await recent.recognize(text, Culture.English)) == [("date", "2026-11-23")]
    assert counting.calls == 1

    clock.now = datetime(2026, 11, 22, 0, 1)
    assert values(await recent.recognize(text, Culture.English)) == [("date", "2026-11-24")]
    assert counting.calls == 2


@pytest.mark.parametrize("text", ["sunny Berlin", "next fri", "for 3 days", "every monday"])
async def test_texts_without_a_time_of_day_are_remembered(counting: Counting, text: str) -> None:
    recent = RecentRecognitions(10)

    first = await recent.recognize(text, Culture.English)

    assert await recent.recognize(text, Culture.English) is first
    assert counting.calls == 1


@pytest.mark.parametrize("text", ["in 2 hours", "at 5pm tomorrow", "tonight", "now", "00:30"])
async def test_texts_with_a_time_of_day_are_recognized_every_time(
    counting: Counting, text: str
) -> None:
    recent = RecentRecognitions(10)

    await recent.recognize(text, Culture.English)
    read_once = counting.calls
    await recent.recognize(text, Culture.English)

    assert counting.calls == 2 * read_once > 0


async def test_the_culture_is_part_of_what_is_remembered(counting: Counting) -> None:
    recent = RecentRecognitions(10)

    await recent.recognize("the day after tomorrow", Culture.English)
    await recent.recognize("the day after tomorrow", Culture.French)

    assert counting.calls == 2


async def test_only_the_most_recent_are_kept_and_size_0_keeps_none(counting: Counting) -> None:
    recent = RecentRecognitions(2)
    for city in ("Berlin", "Paris", "Berlin", "Rome", "Berlin", "Paris"):
        await recent.recognize(f"sunny {city}", Culture.English)
    assert counting.calls == 4  # Paris was dropped for Rome, then asked again

    recent.resize(0)
    await recent.recognize("sunny Berlin", Culture.English)
    await recent.recognize("sunny Berlin", Culture.English)
    assert counting.calls == 6


CHATTER = (
    "My sister says the weather has been lovely this spring, and I have not seen her in a "
    "long while. "
) * 9


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow",
        "book a flight from paris to berlin tomorrow",
        "Please book me a flight from Paris to Berlin on march 3rd 2027, thank you!",
        "I would like to book a flight from Paris to Berlin for me and my two children on the "
        "3rd of March 2027 because their grandmother lives there and she has been asking us to "
        "come for a very long time now",
        CHATTER + "Please book me a flight from Paris to Berlin on march 3rd 2027.",
        "Flight 447 leaves at 10:30, gate 12, seat 31C; we land at 14:05. "
        + CHATTER
        + "I fly on march 3rd 2027",
    ],
)
def test_an_ordinary_message_is_read_as_the_recognizers_read_it_whole(text: str) -> None:
    whole = dates.mentions(dates.recognize_datetime(text, Culture.English))

    assert dates.find_dates(text) == whole
    assert {"tomorrow", "march 3rd 2027", "the 3rd of march 2027"} & {d.text for d in whole}


def test_a_message_too_costly_to_read_whole_is_read_up_to_a_bound() -> None:
    numbers = " ".join(str(n % 31 + 1) for n in range(300))[:950]

    assert dates.find_dates(numbers + " on march 3rd 2027") == dates.find_dates(numbers)
    assert dates.find_dates("on march 3rd 2027 " + numbers)[0].timex == ["2027-03-03"]


class Threads:
    """recognize_datetime, noting the thread each call runs in."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._recognize = dates.recognize_datetime

    def __call__(self, *args: Any) -> list:
        self.names.append(threading.current_thread().name)
        return self._recognize(*args)


@pytest.mark.parametrize(
    ("text", "thread"),
    [
        ("the day after tomorrow", "MainThread"),
        ("fly to berlin the day after tomorrow", "MainThread"),
        ("1/7-3/4-1/8", "recognizers"),
        ("between 1 and 2 and 3 and 4", "recognizers"),
        ("Please book me a flight from Paris to Berlin around march 3rd 2027", "recognizers"),
    ],
)
async def test_a_text_that_costs_little_is_read_at_once_any_other_in_the_worker(
    monkeypatch: pytest.MonkeyPatch, text: str, thread: str
) -> None:
    threads = Threads()
    monkeypatch.setattr(dates, "recognize_datetime", threads)

    await RecentRecognitions(0).recognize(text, Culture.English)

    assert threads.names == [thread]


def busy(seconds: float) -> None:
    """Keep this thread's CPU busy for `seconds`, as the recognizers do."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


async def test_the_worker_serves_first_the_text_that_has_had_least() -> None:
    worker = FairWorker()
    ran: list[str] = []
    reading = threading.Event()
    go_on = threading.Event()

    def costly(name: str) -> Steps[str]:
        for step in range(3):
            yield 400
            if (name, step) == ("costly-0", 0):
                reading.set()
                go_on.wait()
            busy(0.005)
            ran.append(f"{name}/{step}")
        return name

    def cheap() -> Steps[str]:
        yield 60
        ran.append("cheap")
        return "cheap"

    costly_ones = [worker.submit(costly(f"costly-{n}")) for n in range(3)]
    await asyncio.to_thread(reading.wait)
    cheap_one = worker.submit(cheap())
    go_on.set()

    assert await cheap_one == "cheap"
    assert await asyncio.gather(*costly_ones) == ["costly-0", "costly-1", "costly-2"]
    # The cheap text waited for the step in progress only; then each costly text had a step
    # in turn, as long as they were all read.
    assert ran[:4] == ["costly-0/0", "cheap", "costly-1/0", "costly-2/0"]
    assert sorted(ran[4:7]) == ["costly-0/1", "costly-1/1", "costly-2/1"]
    assert sorted(ran[7:]) == ["costly-0/2", "costly-1/2", "costly-2/2"]


async def test_a_failing_step_fails_its_text_only() -> None:
    worker = FairWorker()

    def failing() -> Steps[str]:
        yield 10
        raise ValueError("unreadable")

    with pytest.raises(ValueError, match="unreadable"):
        await worker.submit(failing())
    assert await worker.submit(dates.once(str.upper, "read")) == "READ"


async def test_a_long_text_is_not_remembered(counting: Counting) -> None:
    recent = RecentRecognitions(10)
    # As a 1,000-character message may be once read: NFKD turns `ﷺ` into 18 letters.
    text = "sunny Berlin " + "ﷺ" * 1000
    text = unicodedata.normalize("NFKD", text)

    await recent.recognize(text, Culture.English)
    read_once = counting.calls
    await recent.recognize(text, Culture.English)

    assert counting.calls == 2 * read_once > 0
