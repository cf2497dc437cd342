"""What the embedded recognizer learns from a LUIS app file (`cognitive_models/FlightBooking.json`).

Everything here is derived at start-up from the files in `cognitive_models/`, so adding an
utterance, an airport synonym or a phrase-list word changes what the bot understands
without a code change.
"""

import json
import math
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from recognizers.cities import Words
from recognizers.lexicon import Lexicon, lexicon

BOOK_FLIGHT = "BookFlight"
CANCEL = "Cancel"
NONE_INTENT = "None"
CITY = "<city>"
UNKNOWN = "<unk>"
START = "<s>"
END = "</s>"
# Phrase lists of the app file (`model_features`) that the intent rules read.
OTHER_SERVICES = "OtherServices"  # bookings and errands that are not flights: hotel, train
FLIGHT_WORDS = "FlightWords"  # words only a flight request uses: flight, fly, plane

# Grammar words: they tell roles apart, not intents, and mark none.
FUNCTION_WORDS = frozenset(
    {
        *("to", "from", "in", "into", "for", "at", "of", "out", "on", "by", "with", "and"),
        *("between", "the", "a", "an", "is", "am", "are", "be", "i", "i'm", "me", "my", "you"),
        *("it", "this", "that", "we", "we're", "can", "do", "please", "what", "what's"),
    }
)
MARKER_SHARE = 0.7  # of a word's uses in the examples, at least this many in one intent
MARKER_USES = 2


@dataclass(frozen=True)
class IntentModel:
    """Multinomial naive Bayes over unigrams and bigrams."""

    log_prior: dict[str, float]
    log_likelihood: dict[str, dict[str, float]]
    log_unseen: dict[str, float]
    vocabulary: frozenset[str]

    def log_scores(self, features: list[str]) -> dict[str, float]:
        return {
            intent: prior
            + sum(
                self.log_likelihood[intent].get(feature, self.log_unseen[intent])
                for feature in features
                if feature in self.vocabulary
            )
            for intent, prior in self.log_prior.items()
        }


@dataclass(frozen=True)
class LanguageModel:
    intents: tuple[str, ...]
    lexicon: Lexicon
    phrase_lists: dict[str, frozenset[str]]  # LUIS phrase lists: words that mean alike
    markers: dict[str, frozenset[str]]  # intent -> words (or <list>s) that (nearly) only it uses
    classifier: IntentModel

    @classmethod
    def load(cls, path: Path) -> "LanguageModel":
        return cls.from_luis_app(json.loads(path.read_text(encoding="utf-8")), lexicon(path))

    @classmethod
    def from_luis_app(cls, app: dict[str, Any], known: Lexicon | None = None) -> "LanguageModel":
        known = known or Lexicon.from_luis_app(app)
        phrase_lists = known.phrase_lists
        intents = tuple(intent["name"] for intent in app["intents"])
        examples = [_Example.parse(utterance, known) for utterance in app["utterances"]]
        documents = [
            _with_tags(
                intent_words(
                    example.words.words,
                    example.city_at,
                    [False] * len(example.words.words),
                    known.date_words,
                ),
                phrase_lists,
            )
            for example in examples
        ]
        labels = [example.intent for example in examples]
        return cls(
            intents=intents,
            lexicon=known,
            phrase_lists=phrase_lists,
            markers=_markers(intents, documents, labels, FUNCTION_WORDS | known.date_words),
            classifier=_train(intents, documents, labels),
        )

    def listed(self, name: str) -> frozenset[str]:
        return self.phrase_lists.get(name, frozenset())

    def intent_features(
        self, words: Words, city_at: dict[int, int], in_date: list[bool]
    ) -> list[str]:
        """What the intent model reads: the words (unknown ones as UNKNOWN), each city as
        one CITY, no dates, and the phrase lists the words belong to."""
        found = [
            word if word == CITY or word in self.classifier.vocabulary else UNKNOWN
            for word in intent_words(words.words, city_at, in_date, self.lexicon.date_words)
        ]
        return _with_tags(found, self.phrase_lists)

    def tags(self, words: set[str]) -> set[str]:
        """The phrase lists (as `<Name>`) that some of `words` belong to."""
        return {f"<{name}>" for name, listed in self.phrase_lists.items() if words & listed}


def intent_words(
    words: list[str], city_at: dict[int, int], in_date: list[bool], date_words: frozenset[str]
) -> list[str]:
    """The words that tell intents apart: each city as one CITY, no dates or numbers.
    `city_at`: word index -> the city it belongs to."""
    found: list[str] = []
    for index, word in enumerate(words):
        if index in city_at:
            if index == 0 or city_at.get(index - 1) != city_at[index]:
                found.append(CITY)
        elif not in_date[index] and word not in date_words and word[:1].isalpha():
            found.append(word)
    return found


def _with_tags(words: list[str], phrase_lists: dict[str, frozenset[str]]) -> list[str]:
    """The words, then one `<Name>` for each of their words in phrase list Name."""
    return words + [
        f"<{name}>" for word in words for name, listed in phrase_lists.items() if word in listed
    ]


@dataclass(frozen=True)
class _Example:
    intent: str
    words: Words
    city_at: dict[int, int]  # word index -> city number, labelled or found

    @classmethod
    def parse(cls, utterance: dict[str, Any], known: Lexicon) -> "_Example":
        reading = known.read(utterance["text"])
        words = Words.of(reading)
        city_at: dict[int, int] = {}
        for number, entity in enumerate(utterance.get("entities", [])):
            start, end = entity["startPos"], entity["endPos"] + 1
            for index, token in enumerate(words.token):
                typed = reading.tokens[token]
                if start <= typed.start and typed.end <= end:
                    city_at[index] = number
        found = known.cities.find(reading, words, [False] * len(words.words), roles=False)
        for number, city in enumerate(found, start=len(city_at) + 1):
            for index in range(city.first, city.last + 1):
                city_at.setdefault(index, 1000 + number)
        return cls(utterance["intent"], words, city_at)


def _markers(
    intents: tuple[str, ...],
    documents: list[list[str]],
    labels: list[str],
    ignored: frozenset[str],
) -> dict[str, frozenset[str]]:
    """Words (and phrase lists) used at least twice in the examples, 70% of the time or
    more by one intent."""
    per_intent: dict[str, Counter[str]] = {intent: Counter() for intent in intents}
    for words, intent in zip(documents, labels, strict=True):
        per_intent[intent].update(word for word in words if word != CITY)
    overall = sum(per_intent.values(), Counter())
    return {
        intent: frozenset(
            word
            for word, count in counts.items()
            if count >= MARKER_USES
            and count / overall[word] >= MARKER_SHARE
            and word not in ignored
        )
        for intent, counts in per_intent.items()
    }


def features(words: list[str]) -> list[str]:
    """Unigrams and bigrams of the words; phrase-list tags (`<Name>`) as unigrams only."""
    plain = [word for word in words if not word.startswith("<") or word in (CITY, UNKNOWN)]
    padded = [START, *plain, END]
    return words + [f"{a} {b}" for a, b in pairwise(padded)]


def _train(intents: tuple[str, ...], documents: list[list[str]], labels: list[str]) -> IntentModel:
    # A word seen once also counts as "a word we do not know", so an utterance of unknown
    # words leans towards the intent whose examples are the most varied (None).
    word_counts = Counter(word for words in documents for word in words)
    counts: dict[str, Counter[str]] = {intent: Counter() for intent in intents}
    per_intent: Counter[str] = Counter(labels)
    for words, intent in zip(documents, labels, strict=True):
        counts[intent][UNKNOWN] += sum(1 for word in words if word_counts[word] == 1)
        counts[intent].update(features(words))
    vocabulary = frozenset(feature for counter in counts.values() for feature in counter)
    alpha = 0.5
    total_documents = len(labels)
    log_likelihood, log_unseen, log_prior = {}, {}, {}
    for intent in intents:
        total = sum(counts[intent].values()) + alpha * len(vocabulary)
        log_likelihood[intent] = {
            feature: math.log((count + alpha) / total) for feature, count in counts[intent].items()
        }
        log_unseen[intent] = math.log(alpha / total)
        log_prior[intent] = math.log((per_intent[intent] + 1) / (total_documents + len(intents)))
    return IntentModel(log_prior, log_likelihood, log_unseen, vocabulary)
