"""Dates in English text, found by Microsoft's recognizers-text.

The recognizers are pure Python, slow, and slower the more numbers a text holds: 5 to 25 ms
for a short sentence, but 250 ms for 64 characters like `1/7-3/4-1/8-…` and 45 s for 1,000
of them. So what a text costs is estimated from its characters (`cost`) before it is read:
- a text that costs little is read at once, on the event loop (handing it to a thread would
  cost more than the reading);
- any other text is read in the recognizers' worker thread, in pieces of bounded cost, and
  only up to a bound in all (`pieces`). The worker serves first the text that has had the
  least of its time, so a cheap text waits for one piece at most, however many costly ones
  are in line (`FairWorker`).
And recent results are remembered: people answer with the same few words ("tomorrow", "next
friday") over and over.

Most texts never reach the recognizers: `quick_read` (recognizers/quick_dates.py) answers, in
microseconds and exactly as they would, the texts that cannot hold a date and the commonest
explicit dates; only what it does not know is read, and remembered.
"""

import asyncio
import bisect
import contextlib
import copy
import heapq
import itertools
import re
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from recognizers_choice import recognize_boolean
from recognizers_date_time import DateTimeOptions, recognize_datetime
from recognizers_number import recognize_number
from recognizers_text import Culture, ModelResult

from recognizers.quick_dates import quick_read
from recognizers.recent import Recent

T = TypeVar("T")
# Work in steps: before each, the generator yields what it will cost (`cost`'s units); its
# value is the result.
Steps = Generator[int, None, T]

# Costs, in `cost`'s units (about a character of plain text each). On this 2-core machine
# the costliest texts a search found took 20 to 45 ms to read at CHEAP_COST, and 85 to
# 150 ms at PIECE_COST (the more with other processes busy). A sentence of ordinary length
# (40 words, a date and a few numbers) costs less than PIECE_COST, and a message of 1,000
# ordinary characters (the most the bot reads) less than TEXT_COST.
CHEAP_COST = 64
PIECE_COST = 400
TEXT_COST = 2000
# About the most a unit of cost takes to read, on that machine.
SECONDS_PER_COST = 0.0002
# Resolutions that depend on the reference date alone, never on the time of day.
DATE_ONLY_TYPES = frozenset({"date", "daterange", "duration", "set"})
# Words the recognizers take for numbers or points in time: each costs about as much as a
# number in digits.
NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand million billion trillion first second third fourth fifth sixth
    seventh eighth ninth tenth eleventh twelfth twentieth thirtieth now tonight noon mon fri
    """.split()  # noqa: SIM905 (a list literal would take 52 lines)
)
_WORD_OR_NUMBER = re.compile(r"(\d+)|[^\W\d_]+")
# A separator between two numbers (`1/7`, `1-2`, `10:30`): a date, a range or a time.
_JOINING = re.compile(r"(?<=\d)[-/:.,](?=\d)")
# Where a text may be cut: after a sentence, else between words.
_SENTENCE = re.compile(r".*?(?:[.!?]+\s+|\n+|$)", re.DOTALL)
_WORD = re.compile(r"\S*\s*")


def cost(text: str) -> int:
    """An estimate of what reading `text` costs the recognizers, from its characters:
    numbers, and numbers joined by `/ - : . ,`, weigh most."""
    return sum(_weights(text))


def _weights(text: str) -> list[int]:
    """What each character of `text` adds to its cost: 1, and a word's or number's weight
    on its first character, and a join's on its separator."""
    weights = [1] * len(text)
    for token in _WORD_OR_NUMBER.finditer(text):
        if token.group(1):
            weights[token.start()] += 12
        else:
            weights[token.start()] += 10 if token.group().lower() in NUMBER_WORDS else 2
    for separator in _JOINING.finditer(text):
        weights[separator.start()] += 8
    return weights


class _Costs:
    """What reading each span of a text costs, from the sums of its characters' weights."""

    def __init__(self, text: str) -> None:
        self._sums = [0, *itertools.accumulate(_weights(text))]

    def of(self, start: int, end: int) -> int:
        return self._sums[end] - self._sums[start]

    def longest_cheap(self, start: int, end: int) -> int:
        """The end of the longest span from `start`, within `end`, that costs at most
        PIECE_COST (one character at least)."""
        longest = bisect.bisect_right(self._sums, self._sums[start] + PIECE_COST) - 1
        return max(start + 1, min(end, longest))


def pieces(text: str) -> list[tuple[int, str]]:
    """`text` cut into pieces the recognizers read one by one, with their offsets.

    A text that costs at most PIECE_COST is one piece. A longer one is cut after sentences,
    a sentence that costs more between words, and a word that costs more anywhere; pieces
    that would cost more than TEXT_COST in all are not read.
    """
    costs = _Costs(text)
    if costs.of(0, len(text)) <= PIECE_COST:
        return [(0, text)]
    cut: list[tuple[int, str]] = []
    spent = 0
    start = end = 0
    for boundary in _boundaries(text, costs):
        if end > start and costs.of(start, boundary) > PIECE_COST:
            spent += costs.of(start, end)
            if spent > TEXT_COST:
                return cut
            cut.append((start, text[start:end]))
            start = end
        end = boundary
    if end > start and spent + costs.of(start, end) <= TEXT_COST:
        cut.append((start, text[start:end]))
    return cut


def _boundaries(text: str, costs: _Costs) -> Iterator[int]:
    """The ends of the smallest spans of `text` that cost at most PIECE_COST, in order:
    sentences, or the words of a costly sentence, or parts of a costly word."""
    for sentence in _SENTENCE.finditer(text):
        if sentence.end() == sentence.start():
            continue
        if costs.of(sentence.start(), sentence.end()) <= PIECE_COST:
            yield sentence.end()
            continue
        for word in _WORD.finditer(text, sentence.start(), sentence.end()):
            if costs.of(word.start(), word.end()) <= PIECE_COST:
                if word.end() > word.start():
                    yield word.end()
                continue
            end = word.start()
            while end < word.end():
                end = costs.longest_cheap(end, word.end())
                yield end


def read_pieces(
    text: str, culture: str, now: datetime | None = None, *, quick: bool = True
) -> Steps[list[ModelResult]]:
    """recognizers-text's date and time mentions in `text`, read a piece per step; with no
    step at all for the texts `quick_read` knows (unless `quick` is False)."""
    if quick and culture == Culture.English:
        known = quick_read(text, now or datetime.now())
        if known is not None:
            return known
    results: list[ModelResult] = []
    for start, piece in pieces(text):
        yield cost(piece)
        # recognizers-text reads `= 2027-06-15` as a year alone; a space keeps the offsets.
        found = recognize_datetime(piece.replace("=", " "), culture, DateTimeOptions.NONE, now)
        results.extend(_shifted(mention, start) for mention in found)
    return results


def _shifted(mention: ModelResult, offset: int) -> ModelResult:
    if not offset:
        return mention
    moved = copy.copy(mention)
    moved.start += offset
    moved.end += offset
    return moved


def once(function: Callable[..., T], *args: Any, costing: int = 0) -> Steps[T]:
    """`function(*args)` as one step that costs `costing`."""
    yield costing
    return function(*args)


def run_here(steps: Steps[T]) -> T:
    """Every step of `steps`, in this thread; their result."""
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            return finished.value


@dataclass(order=True)
class _Job:
    due: float  # the CPU seconds the job has had, and those its next step should take
    arrival: int
    steps: Steps[Any] = field(compare=False)
    settle: Callable[[Any, BaseException | None], None] = field(compare=False)
    spent: float = field(default=0.0, compare=False)
    abandoned: bool = field(default=False, compare=False)

    def next_step_costs(self, estimate: int) -> None:
        self.due = self.spent + estimate * SECONDS_PER_COST

    def abandon(self, outcome: "asyncio.Future[Any]") -> None:
        """Once its result is in, or no longer wanted, the job's steps are not run."""
        self.abandoned = True


class FairWorker:
    """One worker thread for the recognizers, shared fairly among the texts it is given.

    A job is a generator: each step does a bounded piece of work, and before it yields
    what the work will cost (`cost`'s units). The worker runs one step at a time, always of
    the job whose CPU time so far plus the expected time of its next step is least (on a
    tie, the one that came first): a text that costs little goes ahead of costly ones, and
    a text that has had much of the worker's time falls behind those that have had less.
    One thread: the recognizers hold the GIL, so a second would read no faster and would
    take the GIL from the event loop more often.
    """

    def __init__(self) -> None:
        self._jobs: list[_Job] = []
        self._changed = threading.Condition()
        self._arrivals = itertools.count()
        self._thread: threading.Thread | None = None

    def submit(self, steps: Steps[T]) -> asyncio.Future[T]:
        """Hand `steps` to the worker thread; the future of their result."""
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[T] = loop.create_future()

        def settle(result: Any, error: BaseException | None) -> None:
            with contextlib.suppress(RuntimeError):  # closed: no one waits for the result
                loop.call_soon_threadsafe(_settle, outcome, result, error)

        try:
            estimate = next(steps)  # no work yet: what the first step will cost
        except StopIteration as finished:  # nothing to do
            outcome.set_result(finished.value)
            return outcome
        job = _Job(0.0, next(self._arrivals), steps, settle)
        job.next_step_costs(estimate)
        outcome.add_done_callback(job.abandon)
        with self._changed:
            heapq.heappush(self._jobs, job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="recognizers", daemon=True)
                self._thread.start()
            self._changed.notify()
        return outcome

    def _work(self) -> None:
        while True:
            with self._changed:
                while not self._jobs:
                    self._changed.wait()
                job = heapq.heappop(self._jobs)
            if job.abandoned:
                continue
            started = time.thread_time()
            try:
                estimate = next(job.steps)
            except StopIteration as finished:
                job.settle(finished.value, None)
                continue
            except Exception as error:
                job.settle(None, error)
                continue
            job.spent += time.thread_time() - started
            job.next_step_costs(estimate)
            with self._changed:
                heapq.heappush(self._jobs, job)


def _settle(outcome: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if outcome.done():
        return
    if error is None:
        outcome.set_result(result)
    else:
        outcome.set_exception(error)


_worker = FairWorker()


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
    return mentions(run_here(read_pieces(text, Culture.English, now)))


def mentions(results: list[ModelResult]) -> list[DateMention]:
    dates = []
    for mention in results:
        values = (mention.resolution or {}).get("values") or []
        timex = list(dict.fromkeys(value["timex"] for value in values if "timex" in value))
        if timex:
            kind = mention.type_name.rsplit(".", 1)[-1]
            dates.append(DateMention(mention.start, mention.end + 1, mention.text, kind, timex))
    return dates


class RecentRecognitions(Recent[tuple[str, str, date], list[ModelResult]]):
    """The last `size` recognitions that stay true all day, by text, culture and date.

    A recognition depends on the text and the reference time. Mentions are found from the
    text alone; a resolution of type date, date range, duration or set depends only on the
    reference date. Results with a time of day, or with a mention left unresolved, are not
    kept. Use from the event loop's thread only.
    """

    def __init__(self, size: int, clock: Callable[[], datetime] = datetime.now) -> None:
        super().__init__(size)
        self._clock = clock

    def today(self) -> date:
        """The reference date of the recognitions made now."""
        return self._clock().date()

    async def recognize(self, text: str, culture: str) -> list[ModelResult]:
        now = self._clock()
        if culture == Culture.English and (known := quick_read(text, now)) is not None:
            return known
        key = (text, culture, now.date())
        results = self.get(key)
        if results is not None:
            return results
        steps = read_pieces(text, culture, now, quick=False)
        results = run_here(steps) if cost(text) <= CHEAP_COST else await _worker.submit(steps)
        if all(_date_only(result) for result in results):
            self.put(key, results, _estimated_bytes(text, results))
        return results


def _estimated_bytes(text: str, results: list[ModelResult]) -> int:
    """About what a recognition takes to keep: its text (up to 4 bytes a character, as
    Python keeps text) and each result's objects."""
    found = sum(600 + 4 * (len(result.text) + len(str(result.resolution))) for result in results)
    return 300 + 4 * len(text) + found


def _date_only(result: ModelResult) -> bool:
    values = (result.resolution or {}).get("values")
    if not values:
        return False
    return all(value.get("type") in DATE_ONLY_TYPES for value in values)


recent = RecentRecognitions(size=4096)


def today() -> date:
    """The reference date of the recognitions made now."""
    return recent.today()


async def read(text: str, function: Callable[..., T], *args: Any) -> T:
    """`function(*args)`, a recognizer reading `text`: here if the text costs little, else in
    the recognizers' worker thread."""
    estimate = cost(text)
    if estimate <= CHEAP_COST:
        return function(*args)
    return await _worker.submit(once(function, *args, costing=estimate))


async def off_loop(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)`, run in the recognizers' worker thread, ahead of any text."""
    return await _worker.submit(once(function, *args))


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
    quick_read("tomorrow", datetime.now())  # reads recognizers-text's patterns' words
    recognize_boolean("yes", Culture.English)
    recognize_number("1", Culture.English)
