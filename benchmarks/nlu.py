"""Accuracy and speed of the embedded recognizer on the held-out set.

    python -m benchmarks.nlu [path/to/set.jsonl]

Each line of the set: text, intent, and what the bot should take from it (to, from,
unsupported airports, date TIMEX; a relative date is written `+N`, N days from today).
"""

import json
import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from helpers.luis_helper import Intent, booking_details, top_intent
from recognizers.dates import find_dates
from recognizers.embedded_recognizer import EmbeddedRecognizer

HELD_OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "nlu_heldout.jsonl"
logger = logging.getLogger(__name__)


@dataclass
class Report:
    total: int = 0
    intents_right: int = 0
    bookings: int = 0
    entities_right: int = 0
    own_seconds: list[float] = field(default_factory=list)
    date_seconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intents_right / self.total

    @property
    def entity_accuracy(self) -> float:
        return self.entities_right / self.bookings


def load_set(path: Path = HELD_OUT) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def expected_date(value: str | None, today: date) -> str | None:
    if value is not None and value.startswith("+"):
        return (today + timedelta(days=int(value[1:]))).isoformat()
    return value


def evaluate(recognizer: EmbeddedRecognizer, rows: list[dict[str, Any]]) -> Report:
    report = Report()
    today = date.today()
    for row in rows:
        started = time.perf_counter()
        dates = find_dates(row["text"])
        recognized = time.perf_counter()
        result = recognizer.interpret(row["text"], dates)
        report.date_seconds.append(recognized - started)
        report.own_seconds.append(time.perf_counter() - recognized)
        intent = top_intent(result)
        report.total += 1
        if intent.value == row["intent"]:
            report.intents_right += 1
        else:
            report.misses.append(f"intent {intent.value} != {row['intent']}: {row['text']}")
        if row["intent"] != Intent.BOOK_FLIGHT.value:
            continue
        report.bookings += 1
        details = booking_details(result)
        got = (details.destination, details.origin, details.unsupported_airports)
        got += (details.travel_date,)
        want = (row["to"], row["from"], row["unsupported"], expected_date(row["date"], today))
        if got == want:
            report.entities_right += 1
        else:
            report.misses.append(f"entities {got} != {want}: {row['text']}")
    return report


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = load_set(Path(sys.argv[1]) if len(sys.argv) > 1 else HELD_OUT)
    recognizer = EmbeddedRecognizer.from_file()
    recognizer.recognize_text("warm up the date recognizer tomorrow")
    report = evaluate(recognizer, rows)
    for miss in report.misses:
        logger.info("miss: %s", miss)
    logger.info(
        "intent accuracy %.1f%% (%d/%d), entity exact-match %.1f%% (%d/%d BookFlight)",
        100 * report.intent_accuracy,
        report.intents_right,
        report.total,
        100 * report.entity_accuracy,
        report.entities_right,
        report.bookings,
    )
    for name, seconds in (
        ("our code", report.own_seconds),
        ("date recognizer", report.date_seconds),
    ):
        times = sorted(seconds)
        logger.info(
            "per utterance, %s: median %.3f ms, p95 %.3f ms, max %.3f ms",
            name,
            1000 * times[len(times) // 2],
            1000 * times[int(len(times) * 0.95)],
            1000 * times[-1],
        )


if __name__ == "__main__":
    main()
