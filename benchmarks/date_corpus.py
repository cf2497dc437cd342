"""The differential test of `recognizers/quick_dates.py`: over a generated corpus, every text
`quick_read` answers must get the same answer from recognizers-text.

    python -m benchmarks.date_corpus [--texts 60000] [--seed 1] [--workers 2]

The corpus is made, deterministically from the seed, of: every message of the held-out sets
and every example of the language model; city answers (places, airports, with the words
people put around them); each date form `quick_read` knows and many it does not, with and
without noise (case, commas, typos, words before and after, impossible days); numbers in
digits and words, times, phone numbers; and random English words, alone and mixed with the
joiners and the words of recognizers-text's own patterns. Each text is read at a reference
time of its own (every weekday, month ends, leap days, any hour). Prints how many texts the
quick path answered, how many it left to recognizers-text, and every disagreement.
"""

import argparse
import json
import logging
import random
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MODELS = ROOT / "cognitive_models"
logger = logging.getLogger("benchmarks.date_corpus")

MONTH_NAMES = [
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May", "May"),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sept"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
]
WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
BEFORE = [
    "", "", "", "on ", "on the ", "by ", "from ", "to ", "until ", "after ", "before ", "in ",
    "for ", "at ", "the ", "around ", "next ", "this ", "last ", "early ", "late ", "i ",
    "fly to paris on ", "book a flight from london to berlin on ", "leaving ", "departing ",
    "i want to go ", "what about ", "no, ", "yes ", "make it ", "actually ", "um ",
]  # fmt: skip
AFTER = [
    "", "", "", " please", " to paris", " from berlin", " and back", " at 5pm", " morning",
    " evening", " night", " or so", " ish", "!", ".", "?", ",", " thanks", " to", " for 3 days",
    " 2028", " 10:30", " i think", " and", " yes", " latest", " afternoon", " till friday",
    " may i", " we may", " or may not", " good morning", " for now",
]  # fmt: skip


def messages() -> list[str]:
    """The held-out sets' messages and the language model's examples."""
    texts = []
    for path in sorted(DATA.glob("nlu_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    app = json.loads((MODELS / "FlightBooking.json").read_text(encoding="utf-8"))
    texts.extend(utterance["text"] for utterance in app["utterances"])
    return texts


def words(name: str) -> list[str]:
    return (MODELS / name).read_text(encoding="utf-8").split("\n")


class Corpus:
    """Texts and reference times, drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.english = [word for word in words("english_words.txt") if word]
        self.places = [line.split("\t")[-1] for line in words("places.txt") if line]
        from recognizers.quick_dates import INERT_WORDS, _pattern_words

        _, starts = _pattern_words()
        self.inert = sorted(INERT_WORDS)
        self.pattern_words = sorted(word for word in starts if len(word) > 1)

    def reference(self) -> datetime:
        """A time to read a text at: any day of 2025 to 2028 (leap days and year ends among
        them), any hour."""
        pick = self.random
        if pick.random() < 0.2:
            day = pick.choice(
                [date(2028, 2, 28), date(2028, 2, 29), date(2026, 12, 31), date(2027, 1, 1)]
            )
        else:
            day = date(2025, 1, 1) + timedelta(days=pick.randrange(4 * 365))
        return datetime(day.year, day.month, day.day, pick.randrange(24), pick.randrange(60))

    def texts(self, count: int) -> Iterator[str]:
        kinds = [
            (self.date_text, 8),
            (self.city_text, 3),
            (self.word_text, 4),
            (self.number_text, 1),
            (self.mixed_text, 2),
        ]
        makers = [maker for maker, weight in kinds for _ in range(weight)]
        given = messages()
        yield from given[:count]
        for _ in range(count - len(given)):
            yield self.noisy(self.random.choice(makers)())

    def date_text(self) -> str:
        pick = self.random
        day = date(2024, 1, 1) + timedelta(days=pick.randrange(6 * 365))
        name, short = MONTH_NAMES[day.month - 1]
        month = pick.choice([name, short, name.lower(), short.lower(), name.upper()])
        number = day.day if pick.random() < 0.93 else pick.randrange(0, 40)
        suffix = pick.choice(["", "st", "nd", "rd", "th", self.ordinal(number)] * 1)
        if pick.random() < 0.6:
            suffix = self.ordinal(number)
        year = pick.choice([f" {day.year}", f", {day.year}", "", f" {day.year % 100}"])
        forms = [
            f"{month} {number}{suffix}{year}",
            f"{number}{suffix} {month}{year}",
            f"{number}{suffix} of {month}{year}",
            f"the {number}{suffix} of {month}{year}",
            f"{day.month}/{number}/{day.year}",
            f"{number}/{day.month}/{day.year}",
            f"{day.month:02}/{number:02}/{day.year}",
            f"{day.month}/{number}",
            f"{day.year}-{day.month:02}-{number:02}",
            f"{day.year}/{day.month:02}/{number:02}",
            f"{day.month}-{number}-{day.year}",
            f"in {pick.randrange(0, 500)} {pick.choice(['days', 'day', 'weeks', 'months'])}",
            f"in {pick.choice(['two', 'ten', 'a few', 'a couple of'])} days",
            pick.choice(["today", "tomorrow", "tonight", "yesterday", "day after tomorrow"]),
            f"{pick.choice(['', 'next ', 'this ', 'last ', 'on '])}{pick.choice(WEEKDAY_NAMES)}",
            pick.choice(WEEKDAY_NAMES)[:3],
            f"{pick.choice(WEEKDAY_NAMES)} {month} {number}{suffix}",
        ]
        form = pick.choice(forms)
        return f"{pick.choice(BEFORE)}{form}{pick.choice(AFTER)}"

    @staticmethod
    def ordinal(number: int) -> str:
        if number % 100 in (11, 12, 13):
            return "th"
        return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")

    def city_text(self) -> str:
        pick = self.random
        city = pick.choice(self.places)
        other = pick.choice(
            ["Paris", "London", "Berlin", "New York", "Seattle", pick.choice(self.places)]
        )
        return pick.choice(
            [
                city,
                city.lower(),
                f"to {city}",
                f"from {city}",
                f"{city} please",
                f"i want to go to {city}",
                f"fly from {city} to {other}",
                f"book a flight from {other} to {city}",
                f"{city}?",
                f"{city} and {other}",
            ]
        )

    def word_text(self) -> str:
        pick = self.random
        pool = pick.choice([self.english, self.english, self.inert, self.pattern_words])
        return " ".join(pick.choice(pool) for _ in range(pick.randint(1, 8)))

    def mixed_text(self) -> str:
        pick = self.random
        pools = [self.english, self.inert, self.pattern_words, self.places]
        return " ".join(pick.choice(pick.choice(pools)) for _ in range(pick.randint(1, 6)))

    def number_text(self) -> str:
        pick = self.random
        return pick.choice(
            [
                str(pick.randrange(10_000)),
                f"{pick.randrange(100)}.{pick.randrange(100)}",
                f"{pick.randrange(1, 13)}pm",
                f"{pick.randrange(24)}:{pick.randrange(60):02}",
                f"{pick.randrange(100, 999)}-{pick.randrange(1000, 9999)}",
                pick.choice(["one", "two", "three", "a dozen", "twenty five", "hundred", "first"]),
                f"{pick.randrange(1, 9)} people",
                f"flight {pick.randrange(100, 9999)}",
            ]
        )

    def noisy(self, text: str) -> str:
        """`text` as a hurried person might type it."""
        pick = self.random
        roll = pick.random()
        if roll < 0.1 and len(text) > 3:
            at = pick.randrange(len(text) - 1)
            return text[:at] + text[at + 1] + text[at] + text[at + 2 :]  # two letters swapped
        if roll < 0.15 and len(text) > 3:
            at = pick.randrange(len(text))
            return text[:at] + text[at + 1 :]  # a letter left out
        if roll < 0.2:
            return text.replace(" ", "  ", 1)
        if roll < 0.25:
            return text.upper()
        if roll < 0.3:
            return text.capitalize()
        return text


def plain(results: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (result.text, result.start, result.end, result.type_name, result.resolution)
        for result in results
    ]


def check(job: tuple[int, int, int]) -> tuple[int, int, int, list[str]]:
    """Read texts `start` to `end` of the seed's corpus both ways: (answered with no date,
    answered with a date, left to recognizers-text, disagreements)."""
    seed, start, end = job
    from recognizers_text import Culture

    from recognizers.dates import read_pieces, run_here
    from recognizers.quick_dates import quick_read

    corpus = Corpus(seed)
    empty = dated = left = 0
    disagreements = []
    for number, text in enumerate(corpus.texts(end)):
        now = corpus.reference()
        if number < start:
            continue
        quick = quick_read(text, now)
        if quick is None:
            left += 1
            continue
        slow = run_here(read_pieces(text, Culture.English, now, quick=False))
        if plain(quick) != plain(slow):
            disagreements.append(
                f"{text!r} at {now:%Y-%m-%d %H:%M}: {plain(quick)} != {plain(slow)}"
            )
        if quick:
            dated += 1
        else:
            empty += 1
    return empty, dated, left, disagreements


def differential(seed: int, texts: int, workers: int) -> tuple[int, int, int, list[str]]:
    chunk = -(-texts // (workers * 8))
    jobs = [(seed, start, min(texts, start + chunk)) for start in range(0, texts, chunk)]
    if workers == 1:
        outcomes = [check(job) for job in jobs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            outcomes = list(pool.map(check, jobs))
    return (
        sum(outcome[0] for outcome in outcomes),
        sum(outcome[1] for outcome in outcomes),
        sum(outcome[2] for outcome in outcomes),
        [line for outcome in outcomes for line in outcome[3]],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    empty, dated, left, disagreements = differential(
        arguments.seed, arguments.texts, arguments.workers
    )
    for line in disagreements:
        logger.info("DISAGREE %s", line)
    logger.info(
        "%d texts: quick path answered %d (%d with no date, %d with a date), left %d to "
        "recognizers-text; %d disagreements",
        arguments.texts,
        empty + dated,
        empty,
        dated,
        left,
        len(disagreements),
    )


if __name__ == "__main__":
    main()
