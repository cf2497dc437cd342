"""Accuracy and speed of the embedded recognizer on the held-out sets, per kind of message.

    python -m benchmarks.nlu [--misses] [--without PART ...] [set.jsonl ...]
                                          (default: every tests/data/nlu_*.jsonl)

Each line of a set: `text`, `intent`, and what the bot should take from it: `to`, `from`
(canonical airports or null), `unsupported` (the cities it must say it cannot serve) and
`date`: null (none named), `YYYY-MM-DD`, `+N` (N days after `today`), or `ask` (a date that
is not one definite day from `today` on: the bot must ask for it). Optional: `kind` (the
row's group) and `today` (the day the message is read on; default: today).

`--without` measures the model without one of its parts: `spelling` (shorthand and
misspellings read as typed), `places` (no world places: only unknown words after `to`/`from`
are unsupported cities), `phrase-lists` (the app file's `model_features`), `examples` (the
first model's 147 examples only).
"""

import argparse
import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

from booking_details import BookingDetails
from helpers.airports import MODEL_FILE
from helpers.datetime_helper import AS_OF, is_bookable
from helpers.luis_helper import Intent, booking_details, top_intent
from recognizers.dates import find_dates
from recognizers.embedded_recognizer import EmbeddedRecognizer
from recognizers.language_model import LanguageModel
from recognizers.lexicon import Lexicon
from recognizers.places import Places

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
PARTS = ("spelling", "places", "phrase-lists", "examples")
FIRST_EXAMPLES = 147  # the first embedded model's examples, the first in the app file
logger = logging.getLogger(__name__)


@dataclass
class Tally:
    total: int = 0
    intents_right: int = 0
    bookings: int = 0
    entities_right: int = 0

    @property
    def intent_accuracy(self) -> float:
        return self.intents_right / self.total if self.total else 1.0

    @property
    def entity_accuracy(self) -> float:
        return self.entities_right / self.bookings if self.bookings else 1.0


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    kinds: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    wrong_values: int = 0  # a field filled with a value the user did not give
    own_seconds: list[float] = field(default_factory=list)
    date_seconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.overall.intent_accuracy

    @property
    def entity_accuracy(self) -> float:
        return self.overall.entity_accuracy


def load_set(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def held_out_sets() -> list[Path]:
    return sorted(DATA.glob("nlu_*.jsonl"))


def day_of(row: dict[str, Any]) -> date:
    return date.fromisoformat(row["today"]) if "today" in row else date.today()


def expected_date(value: str | None, today: date) -> str | None:
    if value is not None and value.startswith("+"):
        return (today + timedelta(days=int(value[1:]))).isoformat()
    return value


def date_matches(got: str | None, want: str | None) -> bool:
    """`ask`: the bot asks for the date, as it does for anything but one day from `today` on
    (a span, a day without its year, a day gone by)."""
    if want == "ask":
        return got is None or not is_bookable(got)
    return got == want


def wrong_values(details: BookingDetails, row: dict[str, Any], want_date: str | None) -> int:
    """Fields the bot would fill with something the user did not say."""
    wrong = sum(
        1
        for got, want in ((details.destination, row["to"]), (details.origin, row["from"]))
        if got is not None and got != want
    )
    if (
        details.travel_date
        and is_bookable(details.travel_date)
        and details.travel_date != want_date
    ):
        wrong += 1
    return wrong


def evaluate(recognizer: EmbeddedRecognizer, rows: list[dict[str, Any]]) -> Report:
    report = Report()
    for row in rows:
        today = day_of(row)
        # The message is read as of the day it was written on ("today", "yesterday").
        as_of = AS_OF.set(today)
        try:
            evaluate_row(recognizer, row, today, report)
        finally:
            AS_OF.reset(as_of)
    return report


def evaluate_row(
    recognizer: EmbeddedRecognizer, row: dict[str, Any], today: date, report: Report
) -> None:
    """Read one message of a held-out set and tally what the recognizer made of it."""
    started = time.perf_counter()
    reading = recognizer.read(row["text"])
    read_at = time.perf_counter()
    dates = find_dates(reading.meant, datetime.combine(today, day_time(12)))
    dated_at = time.perf_counter()
    result = recognizer.interpret(reading, dates)
    report.own_seconds.append(read_at - started + time.perf_counter() - dated_at)
    report.date_seconds.append(dated_at - read_at)
    tallies = (report.overall, report.kinds[row.get("kind", "all")])
    intent = top_intent(result)
    for tally in tallies:
        tally.total += 1
        tally.intents_right += intent.value == row["intent"]
    if intent.value != row["intent"]:
        report.misses.append(f"intent {intent.value} != {row['intent']}: {row['text']}")
    if row["intent"] != Intent.BOOK_FLIGHT.value:
        return
    details = booking_details(result, row.get("locale"))
    want_date = expected_date(row["date"], today)
    right = (
        (details.destination, details.origin) == (row["to"], row["from"])
        and sorted(details.unsupported_airports) == sorted(row["unsupported"])
        and date_matches(details.travel_date, want_date)
    )
    for tally in tallies:
        tally.bookings += 1
        tally.entities_right += right
    report.wrong_values += wrong_values(details, row, want_date)
    if not right:
        got = (details.destination, details.origin, details.unsupported_airports)
        want = (row["to"], row["from"], row["unsupported"], want_date)
        report.misses.append(f"entities {(*got, details.travel_date)} != {want}: {row['text']}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def log_report(name: str, report: Report, misses: bool) -> None:
    if misses:
        for miss in report.misses:
            logger.info("  miss: %s", miss)
    logger.info("%s", name)
    logger.info("  %-16s %5s %18s %22s", "kind", "rows", "intent", "entities (BookFlight)")
    rows = sorted(report.kinds.items())
    if set(report.kinds) != {"all"}:
        rows.append(("all", report.overall))
    for kind, tally in rows:
        logger.info(
            "  %-16s %5d %7.1f%% (%4d/%4d) %7.1f%% (%4d/%4d)",
            kind,
            tally.total,
            100 * tally.intent_accuracy,
            tally.intents_right,
            tally.total,
            100 * tally.entity_accuracy,
            tally.entities_right,
            tally.bookings,
        )
    logger.info("  values the user did not give: %d", report.wrong_values)
    for part, seconds in (
        ("our code", report.own_seconds),
        ("date recognizer", report.date_seconds),
    ):
        logger.info(
            "  per message, %s: median %.3f ms, p95 %.3f ms, max %.3f ms",
            part,
            1000 * percentile(seconds, 0.5),
            1000 * percentile(seconds, 0.95),
            1000 * max(seconds),
        )


def build(without: set[str]) -> EmbeddedRecognizer:
    """The embedded recognizer, less the parts named."""
    if not without:
        return EmbeddedRecognizer.from_file()
    app = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    if "examples" in without:
        app["utterances"] = app["utterances"][:FIRST_EXAMPLES]
    if "phrase-lists" in without:
        app["model_features"] = []
    places = Places([]) if "places" in without else None
    known = Lexicon.from_luis_app(app, places, corrections="spelling" not in without)
    return EmbeddedRecognizer(LanguageModel.from_luis_app(app, known))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", type=Path, help="JSON Lines sets (default: all)")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--without", action="append", choices=PARTS, default=[])
    arguments = parser.parse_args()
    started = time.perf_counter()
    recognizer = build(set(arguments.without))
    logger.info("model built in %.0f ms", 1000 * (time.perf_counter() - started))
    recognizer.recognize_text("warm up the date recognizer tomorrow")
    for path in arguments.sets or held_out_sets():
        log_report(path.name, evaluate(recognizer, load_set(path)), arguments.misses)


if __name__ == "__main__":
    main()
