from datetime import datetime

import pytest
from recognizers_text import Culture

from recognizers import dates
from recognizers.dates import RecentRecognitions


class Counting:
    """recognize_datetime, counting the calls that reach it."""

    def __init__(self) -> None:
        self.calls = 0
        self._recognize = dates.recognize_datetime

    def __call__(self, *args: object) -> list:
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

    assert values(await recent.recognize("tomorrow", Culture.English)) == [("date", "2026-11-22")]
    clock.now = datetime(2026, 11, 21, 23, 59)
    assert values(await recent.recognize("tomorrow", Culture.English)) == [("date", "2026-11-22")]
    assert counting.calls == 1

    clock.now = datetime(2026, 11, 22, 0, 1)
    assert values(await recent.recognize("tomorrow", Culture.English)) == [("date", "2026-11-23")]
    assert counting.calls == 2


@pytest.mark.parametrize("text", ["Berlin", "next friday", "for 3 days", "every monday"])
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
    await recent.recognize(text, Culture.English)

    assert counting.calls == 2


async def test_the_culture_is_part_of_what_is_remembered(counting: Counting) -> None:
    recent = RecentRecognitions(10)

    await recent.recognize("tomorrow", Culture.English)
    await recent.recognize("tomorrow", Culture.French)

    assert counting.calls == 2


async def test_only_the_most_recent_are_kept_and_size_0_keeps_none(counting: Counting) -> None:
    recent = RecentRecognitions(2)
    for text in ("Berlin", "Paris", "Berlin", "Rome", "Berlin", "Paris"):
        await recent.recognize(text, Culture.English)
    assert counting.calls == 4  # Paris was dropped for Rome, then asked again

    recent.resize(0)
    await recent.recognize("Berlin", Culture.English)
    await recent.recognize("Berlin", Culture.English)
    assert counting.calls == 6
