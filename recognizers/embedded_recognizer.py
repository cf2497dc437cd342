"""Language understanding with no cloud: a small model learned from `cognitive_models/`.

The result has exactly the shape LUIS (v2, through botbuilder-ai) gives, so the dialogs and
helpers do not know which back end ran.
"""

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botbuilder.core import IntentScore, Recognizer, RecognizerResult, TurnContext

from helpers.airports import MODEL_FILE
from recognizers.dates import DateMention, find_dates, find_dates_off_loop
from recognizers.language_model import (
    BOOK_FLIGHT,
    CITY,
    NONE_INTENT,
    NOT_CITY,
    ROLES,
    UNKNOWN,
    LanguageModel,
    Token,
    features,
    tokenize,
)

MAX_CITY_WORDS = 3


@dataclass
class _City:
    first: int  # token indexes, inclusive
    last: int
    canonical: str | None  # None: a city the airport list does not have
    role: str | None = None


class EmbeddedRecognizer(Recognizer):
    def __init__(self, model: LanguageModel) -> None:
        self._model = model

    @classmethod
    def from_file(cls, path: Path = MODEL_FILE) -> "EmbeddedRecognizer":
        return cls(LanguageModel.load(path))

    @property
    def is_configured(self) -> bool:
        return True

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        text = turn_context.activity.text or ""
        return self.interpret(text, await find_dates_off_loop(text))

    def recognize_text(self, text: str) -> RecognizerResult:
        return self.interpret(text, find_dates(text))

    def interpret(self, text: str, dates: list[DateMention]) -> RecognizerResult:
        """Everything but the date recognition, which `find_dates` does."""
        tokens = tokenize(text)
        in_date = [any(d.start <= t.start < d.end for d in dates) for t in tokens]
        cities = self._find_cities(tokens, in_date)
        self._assign_roles(tokens, cities)
        return RecognizerResult(
            text=text,
            altered_text=None,
            intents=self._intents(tokens, in_date, cities),
            entities=_entities(text, tokens, cities, dates),
        )

    def _find_cities(self, tokens: list[Token], in_date: list[bool]) -> list[_City]:
        cities: list[_City] = []
        index = 0
        while index < len(tokens):
            city = None
            if not in_date[index]:
                city = self._airport_at(tokens, index) or self._unknown_city_at(
                    tokens, in_date, index
                )
            if city is None:
                index += 1
                continue
            cities.append(city)
            index = city.last + 1
        return cities

    def _airport_at(self, tokens: list[Token], index: int) -> _City | None:
        for length in range(min(self._model.longest_airport, len(tokens) - index), 0, -1):
            key = tuple(token.text for token in tokens[index : index + length])
            canonical = self._model.airports.get(key)
            if canonical is not None:
                return _City(index, index + length - 1, canonical)
        return None

    def _unknown_city_at(
        self, tokens: list[Token], in_date: list[bool], index: int
    ) -> _City | None:
        """Words after "to"/"from" (or whatever the examples put before a city) that the
        examples never use otherwise: a city, though not one we fly to."""
        if index == 0 or tokens[index - 1].text not in self._model.city_openers:
            return None
        last = index - 1
        while (
            last + 1 < len(tokens)
            and last + 1 - index < MAX_CITY_WORDS
            and not in_date[last + 1]
            and self._could_be_city_word(tokens[last + 1].text)
            and self._airport_at(tokens, last + 1) is None
        ):
            last += 1
        return _City(index, last, None) if last >= index else None

    def _could_be_city_word(self, word: str) -> bool:
        return word not in self._model.known_words and word not in NOT_CITY and not word.isdigit()

    def _assign_roles(self, tokens: list[Token], cities: list[_City]) -> None:
        model = self._model
        for city in cities:
            votes = {role: 0.0 for role in ROLES}
            if city.first > 0:
                for role, count in model.left_cues.get(tokens[city.first - 1].text, {}).items():
                    votes[role] += count
            if city.last + 1 < len(tokens):
                for role, count in model.right_cues.get(tokens[city.last + 1].text, {}).items():
                    votes[role] += count
            if votes["From"] != votes["To"]:
                city.role = max(votes, key=votes.__getitem__)
        for city in cities:
            if city.role is None:
                taken = {other.role for other in cities if other.role}
                city.role = "From" if taken == {"To"} else "To"

    def _intents(
        self, tokens: list[Token], in_date: list[bool], cities: list[_City]
    ) -> dict[str, IntentScore]:
        city_at = {index: city for city in cities for index in range(city.first, city.last + 1)}
        words: list[str] = []
        for index, token in enumerate(tokens):
            if in_date[index]:
                continue
            if index in city_at:
                if index == city_at[index].first:
                    words.append(CITY)
            elif token.text in self._model.classifier.vocabulary:
                words.append(token.text)
            else:
                words.append(UNKNOWN)
        log_scores = self._model.classifier.log_scores(features(words))
        top = max(log_scores.values())
        weights = {
            intent: math.exp(score - top) if self._has_evidence(intent, tokens, cities) else 0.0
            for intent, score in log_scores.items()
        }
        total = sum(weights.values()) or 1.0
        return {intent: IntentScore(score=weight / total) for intent, weight in weights.items()}

    def _has_evidence(self, intent: str, tokens: list[Token], cities: list[_City]) -> bool:
        """An intent is possible only if the utterance holds a word that marks it, or (for
        booking) a city introduced by "to", "from" and the like. None needs no evidence."""
        if intent == NONE_INTENT:
            return True
        if intent == BOOK_FLIGHT and any(
            city.first > 0 and tokens[city.first - 1].text in self._model.strong_openers
            for city in cities
        ):
            return True
        markers = self._model.markers.get(intent, frozenset())
        return any(token.text in markers for token in tokens)


def _entities(
    text: str, tokens: list[Token], cities: list[_City], dates: list[DateMention]
) -> dict[str, Any]:
    instance: dict[str, list[dict[str, Any]]] = {}
    entities: dict[str, Any] = {"$instance": instance}
    for city in cities:
        start, end = tokens[city.first].start, tokens[city.last].end
        mention = {"startIndex": start, "endIndex": end, "text": text[start:end], "score": 1.0}
        instance.setdefault(city.role, []).append({**mention, "type": city.role})
        composite: dict[str, Any] = {"$instance": {}}
        if city.canonical is not None:
            airport = {**mention, "type": "Airport"}
            composite = {"$instance": {"Airport": [airport]}, "Airport": [[city.canonical]]}
            instance.setdefault("Airport", []).append(airport)
            entities.setdefault("Airport", []).append([city.canonical])
        entities.setdefault(city.role, []).append(composite)
    for date in dates:
        instance.setdefault("datetime", []).append(
            {
                "startIndex": date.start,
                "endIndex": date.end,
                "text": date.text,
                "type": f"builtin.datetimeV2.{date.type}",
            }
        )
        entities.setdefault("datetime", []).append({"timex": date.timex, "type": date.type})
    return entities
