"""Language understanding with no cloud: a small model learned from `cognitive_models/`.

The result has exactly the shape LUIS (v2, through botbuilder-ai) gives, so the dialogs and
helpers do not know which back end ran. A message is read word by word first (`reading`:
shorthand and misspellings taken as the words meant), then its dates (Microsoft's
recognizers-text, on the corrected text), its cities and their roles (`cities`), and its
intent (naive Bayes over the words, with rules on which intents are possible at all).
"""

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from helpers.airports import MODEL_FILE
from helpers.datetime_helper import date_part, is_definite, numeric_date, numeric_dates_in
from helpers.luis_helper import GUESSED_ROLE
from recognizers.cities import FILLER, LABELS, City, Words
from recognizers.dates import (
    DATE_ONLY_TYPES,
    DateMention,
    find_dates,
    find_dates_off_loop,
    today,
)
from recognizers.language_model import (
    BOOK_FLIGHT,
    CANCEL,
    FLIGHT_WORDS,
    NONE_INTENT,
    OTHER_SERVICES,
    LanguageModel,
    features,
)
from recognizers.reading import Reading
from recognizers.recent import Recent
from recognizers.result import IntentScore, RecognizerResult
from sdk import TurnContext

CANCELLING = frozenset({"cancel", "cancelled", "canceled", "cancelling", "canceling"})
SECOND_THOUGHTS = frozenset({"book", "instead", "rather", "but", "and"})
# Words of a label besides the role it names: `landing airport:`, `journey start:`.
LABEL_FILLER = FILLER | {"journey", "trip", "final", "for", "of", "flight"}
# Words that leave a message of cities and dates a message of values (`Paris please`).
VALUE_FILLER = frozenset(
    {
        *("please", "thanks", "thank", "you", "and", "on", "the", "a", "for", "at", "by"),
        *("hi", "hello", "hey", "ok", "okay", "one", "way", "return", "round", "trip", "asap"),
    }
)


class EmbeddedRecognizer:
    """`remember`: how many recent messages' results to keep (those that stay true all day),
    for the next user who types the same."""

    def __init__(
        self, model: LanguageModel, *, remember: int = 0, today: Callable[[], date] = today
    ) -> None:
        self._model = model
        self._recent: Recent[tuple[str, date], RecognizerResult] = Recent(remember)
        self._today = today

    @classmethod
    def from_file(cls, path: Path = MODEL_FILE, *, remember: int = 0) -> "EmbeddedRecognizer":
        return cls(LanguageModel.load(path), remember=remember)

    @property
    def model(self) -> LanguageModel:
        return self._model

    @property
    def is_configured(self) -> bool:
        return True

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        """The message's intents and entities. The result may be shared with other turns that
        read the same text on the same day: read it, do not change it."""
        text = turn_context.activity.text or ""
        key = (text, self._today())
        known = self._recent.get(key)
        if known is not None:
            return known
        reading = self.read(text)
        found = await find_dates_off_loop(reading.meant)
        result = self.interpret(reading, found)
        # A time of day (`tomorrow at 5pm`) is read against the clock: such results go.
        if all(mention.type in DATE_ONLY_TYPES for mention in found):
            self._recent.put(key, result, _estimated_bytes(text, result))
        return result

    def recognize_text(self, text: str, now: datetime | None = None) -> RecognizerResult:
        reading = self.read(text)
        return self.interpret(reading, find_dates(reading.meant, now))

    def read(self, text: str) -> Reading:
        return self._model.lexicon.read(text)

    def interpret(self, reading: Reading, dates: list[DateMention]) -> RecognizerResult:
        """Everything but the date recognition, which `find_dates` does on `reading.meant`."""
        dates = _relative_to_the_next(reading.meant, _with_numeric_dates(reading.meant, dates))
        dates = [_as_typed(reading, date) for date in dates]
        words = Words.of(reading)
        in_date = [
            any(d.start <= reading.tokens[token].start < d.end for d in dates)
            for token in words.token
        ]
        cities = self._model.lexicon.cities.find(reading, words, in_date)
        return RecognizerResult(
            text=reading.text,
            altered_text=None,
            intents=self._intents(words, in_date, cities),
            entities=_entities(reading, words, cities, dates),
        )

    def _intents(
        self, words: Words, in_date: list[bool], cities: list[City]
    ) -> dict[str, IntentScore]:
        model = self._model
        city_at = {
            index: number
            for number, city in enumerate(cities)
            for index in range(city.first, city.last + 1)
        }
        plain = [
            word
            for index, word in enumerate(words.words)
            if index not in city_at and not in_date[index] and word[:1].isalnum()
        ]
        said = set(plain)
        said |= model.tags(said)
        # Another service, or cancelling (`cancel the flight from London to Paris`): no
        # traveller for certain, whatever cities are named.
        vetoed = bool(said & (model.listed(OTHER_SERVICES) | CANCELLING))
        roles = {city.role for city in cities if city.sure}
        values_only = bool(cities) and said <= VALUE_FILLER
        if said & CANCELLING and not said & SECOND_THOUGHTS:
            # `cancel the flight from London to Paris`: whatever it names, it cancels.
            return _certain(model.intents, CANCEL)
        labels = set(plain)
        if (
            roles
            and labels & LABELS.keys()
            and labels <= VALUE_FILLER | LABEL_FILLER | LABELS.keys()
        ):
            # `landing airport: Paris`, `journey start: Berlin`: values under their labels.
            return _certain(model.intents, BOOK_FLIGHT)
        if (len(roles) == 2 and not vetoed) or (values_only and (len(cities) > 1 or any(in_date))):
            # An origin and a destination, or only cities and dates: a traveller.
            return _certain(model.intents, BOOK_FLIGHT)
        if values_only:
            return _certain(model.intents, NONE_INTENT)  # `Paris`: no request at all
        log_scores = model.classifier.log_scores(
            features(model.intent_features(words, city_at, in_date))
        )
        possible = {intent for intent in log_scores if self._possible(intent, said, cities)}
        top = max(log_scores[intent] for intent in possible)
        weights = {
            intent: math.exp(score - top) if intent in possible else 0.0
            for intent, score in log_scores.items()
        }
        total = sum(weights.values())
        return {intent: IntentScore(score=weight / total) for intent, weight in weights.items()}

    def _possible(self, intent: str, said: set[str], cities: list[City]) -> bool:
        """An intent is possible only if the message holds a word that marks it or, for a
        flight, a city whose role a word gives (`to Paris`); and a flight is not possible
        when the message is about another service (`a train to Paris`) and says nothing of
        flying. None is always possible."""
        model = self._model
        if intent == NONE_INTENT:
            return True
        if intent == BOOK_FLIGHT:
            if said & model.listed(OTHER_SERVICES) and not said & model.listed(FLIGHT_WORDS):
                return False
            if any(city.sure for city in cities):
                return True
        return bool(said & model.markers.get(intent, frozenset()))


def _certain(intents: tuple[str, ...], chosen: str) -> dict[str, IntentScore]:
    return {intent: IntentScore(score=float(intent == chosen)) for intent in intents}


def _with_numeric_dates(text: str, dates: list[DateMention]) -> list[DateMention]:
    """`dates`, with the dates in numbers recognizers-text misses or reads in part (`8.21.2028`,
    `3/6/36`) in place of what it made of them. Each is read month first, as it reads the
    others: the dialogs read the text again as the user's locale writes dates."""
    for start, end in numeric_dates_in(text):
        if any(date.start <= start and end <= date.end for date in dates):
            continue
        day = numeric_date(text[start:end], "en-US")
        if day is None:
            continue
        dates = [date for date in dates if date.end <= start or end <= date.start]
        dates.append(DateMention(start, end, text[start:end], "date", [day]))
    return sorted(dates, key=lambda date: date.start)


_DAY_AFTER = {"the day after": 1, "day after": 1, "the day before": -1, "day before": -1}
_MONTH = re.compile(r"\d{4}-\d{2}")
_MONTH_END = re.compile(r"(?:the )?(?P<which>first|last) day of\s*$")


def _relative_to_the_next(text: str, dates: list[DateMention]) -> list[DateMention]:
    """`the day after December 25th 2027`: recognizers-text reads `the day after` as
    tomorrow, and the date after it on its own; it is the day after that date. `the last day
    of February 2028`: it reads `the last day` as today."""
    read: list[DateMention] = []
    for mention in dates:
        month = next((t for t in mention.timex if _MONTH.fullmatch(t)), None)
        end_of = _MONTH_END.search(text[: mention.start]) if month else None
        if month is not None and end_of is not None:
            first = date.fromisoformat(f"{month}-01")
            following = (first + timedelta(days=32)).replace(day=1)
            end = first if end_of["which"] == "first" else following - timedelta(days=1)
            read = [earlier for earlier in read if earlier.end <= end_of.start()]
            read.append(DateMention(end_of.start(), mention.end, "", "date", [end.isoformat()]))
            continue
        if read and read[-1].text.lower() in _DAY_AFTER and mention.start <= read[-1].end + 1:
            shift = _DAY_AFTER[read[-1].text.lower()]
            day = next((t for t in mention.timex if is_definite(t)), None)
            if day is not None:
                moved = date.fromisoformat(date_part(day)) + timedelta(days=shift)
                start = read.pop().start
                read.append(DateMention(start, mention.end, "", "date", [moved.isoformat()]))
                continue
        read.append(mention)
    return read


def _as_typed(reading: Reading, date: DateMention) -> DateMention:
    """A date found in the corrected text, with the offsets and text of what was typed."""
    start, end = reading.typed_span(date.start, date.end)
    return DateMention(start, end, reading.text[start:end], date.type, date.timex)


def _entities(
    reading: Reading, words: Words, cities: list[City], dates: list[DateMention]
) -> dict[str, Any]:
    text = reading.text
    instance: dict[str, list[dict[str, Any]]] = {}
    entities: dict[str, Any] = {"$instance": instance}
    for city in cities:
        start = reading.tokens[words.token[city.first]].start
        end = reading.tokens[words.token[city.last]].end
        mention = {"startIndex": start, "endIndex": end, "text": text[start:end], "score": 1.0}
        if city.airport is not None:
            child = "Airport"
            value: Any = [city.airport]
            entities.setdefault("Airport", []).append(value)
        else:
            # LUIS's prebuilt entity for places: the bot names the ones it cannot serve.
            child = "geographyV2"
            value = {"value": city.shown, "type": "city"}
        child_mention = {**mention, "type": child}
        instance.setdefault(child, []).append(child_mention)
        if child == "geographyV2":
            entities.setdefault(child, []).append(value)
        if city.role is not None:
            role = city.role.value
            score = 1.0 if city.sure else GUESSED_ROLE
            instance.setdefault(role, []).append({**mention, "type": role, "score": score})
            composite = {"$instance": {child: [child_mention]}, child: [value]}
            entities.setdefault(role, []).append(composite)
    for when in dates:
        instance.setdefault("datetime", []).append(
            {
                "startIndex": when.start,
                "endIndex": when.end,
                "text": when.text,
                "type": f"builtin.datetimeV2.{when.type}",
            }
        )
        entities.setdefault("datetime", []).append({"timex": when.timex, "type": when.type})
    return entities


def _estimated_bytes(text: str, result: RecognizerResult) -> int:
    """About what a result takes to keep: the text twice (the key, and the result's), up to
    4 bytes a character, and some 1.5 KB an entity with its `$instance` record."""
    entities = result.entities or {}
    found = sum(len(values) for name, values in entities.items() if name != "$instance")
    return 1000 + 8 * len(text) + 1500 * found
