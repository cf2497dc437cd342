"""What the embedded recognizer learns from a LUIS app file (`cognitive_models/FlightBooking.json`).

Everything here is derived from the file at start-up, so adding an utterance or an airport
synonym to it changes what the bot understands without a code change.
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

ROLES = ("From", "To")
BOOK_FLIGHT = "BookFlight"
NONE_INTENT = "None"
CITY = "<city>"
DATE = "<date>"
UNKNOWN = "<unk>"
START = "<s>"
END = "</s>"

# Letters and digits, keeping an apostrophe inside a word ("what's", "i'd").
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# Grammar words that never start a city name, whatever the training data holds.
NOT_CITY = frozenset(
    {
        *("a", "an", "the", "some", "any", "this", "that", "these", "those", "there", "here"),
        *("me", "you", "him", "her", "us", "them", "it", "home"),
        *("my", "your", "his", "our", "their", "its"),
    }
)


@dataclass(frozen=True)
class Token:
    text: str  # lower-cased
    start: int  # offsets into the original utterance, end exclusive
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(text)]


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
    airports: dict[tuple[str, ...], str]  # synonym tokens -> canonical name
    longest_airport: int
    known_words: frozenset[str]  # words the examples use outside entities
    left_cues: dict[str, Counter[str]]  # word before a city -> counts per role
    right_cues: dict[str, Counter[str]]  # word after a city -> counts per role
    city_openers: frozenset[str]  # words usually followed by a city
    strong_openers: frozenset[str]  # ... and that introduced one in several examples
    markers: dict[str, frozenset[str]]  # intent -> words that (nearly) only it uses
    classifier: IntentModel

    @classmethod
    def load(cls, path: Path) -> "LanguageModel":
        return cls.from_luis_app(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_luis_app(cls, app: dict) -> "LanguageModel":
        airports = {
            tuple(token.text for token in tokenize(synonym)): sub_list["canonicalForm"]
            for closed_list in app.get("closedLists", [])
            if closed_list["name"] == "Airport"
            for sub_list in closed_list["subLists"]
            for synonym in [sub_list["canonicalForm"], *sub_list["list"]]
        }
        examples = [_Example.parse(utterance) for utterance in app["utterances"]]
        known_words = frozenset(
            token.text
            for example in examples
            for token in example.tokens
            if not example.role_at(token)
        )
        left_cues: dict[str, Counter[str]] = {}
        right_cues: dict[str, Counter[str]] = {}
        follows_city: Counter[str] = Counter()
        occurrences: Counter[str] = Counter()
        for example in (e for e in examples if e.intent == BOOK_FLIGHT):
            for index, token in enumerate(example.tokens):
                if example.role_at(token):
                    continue
                occurrences[token.text] += 1
                following = example.tokens[index + 1] if index + 1 < len(example.tokens) else None
                if following is not None and example.role_at(following):
                    follows_city[token.text] += 1
            for role, first, last in example.mentions():
                if first > 0:
                    left_cues.setdefault(example.tokens[first - 1].text, Counter())[role] += 1
                if last + 1 < len(example.tokens):
                    right_cues.setdefault(example.tokens[last + 1].text, Counter())[role] += 1
        city_openers = frozenset(
            word for word, count in follows_city.items() if count / occurrences[word] >= 0.5
        )
        strong_openers = frozenset(word for word in city_openers if follows_city[word] >= 5)
        intents = tuple(intent["name"] for intent in app["intents"])
        return cls(
            intents=intents,
            airports=airports,
            longest_airport=max((len(key) for key in airports), default=1),
            known_words=known_words,
            left_cues=left_cues,
            right_cues=right_cues,
            city_openers=city_openers,
            strong_openers=strong_openers,
            markers=_markers(intents, examples, excluded=city_openers | NOT_CITY),
            classifier=_train(intents, examples, airports),
        )


@dataclass(frozen=True)
class _Example:
    text: str
    intent: str
    tokens: list[Token]
    spans: list[tuple[str, int, int]]  # role, start, end (exclusive)

    @classmethod
    def parse(cls, utterance: dict) -> "_Example":
        spans = [
            (entity["entity"], entity["startPos"], entity["endPos"] + 1)
            for entity in utterance.get("entities", [])
            if entity["entity"] in ROLES
        ]
        text = utterance["text"]
        return cls(text, utterance["intent"], tokenize(text), spans)

    def role_at(self, token: Token) -> str | None:
        for role, start, end in self.spans:
            if start <= token.start and token.end <= end:
                return role
        return None

    def mentions(self) -> list[tuple[str, int, int]]:
        """(role, first token index, last token index) of each labelled city."""
        found = []
        for role, start, end in self.spans:
            indexes = [i for i, t in enumerate(self.tokens) if start <= t.start and t.end <= end]
            if indexes:
                found.append((role, indexes[0], indexes[-1]))
        return found


def _markers(
    intents: tuple[str, ...], examples: list[_Example], excluded: frozenset[str]
) -> dict[str, frozenset[str]]:
    """Words that at least 80% of the time appear in examples of one intent."""
    per_intent: dict[str, Counter[str]] = {intent: Counter() for intent in intents}
    for example in examples:
        per_intent[example.intent].update(
            token.text for token in example.tokens if not example.role_at(token)
        )
    overall = sum(per_intent.values(), Counter())
    return {
        intent: frozenset(
            word
            for word, count in counts.items()
            if count / overall[word] >= 0.8 and word not in excluded
        )
        for intent, counts in per_intent.items()
    }


def features(words: list[str]) -> list[str]:
    padded = [START, *words, END]
    return words + [f"{a} {b}" for a, b in pairwise(padded)]


def _train(
    intents: tuple[str, ...], examples: list[_Example], airports: dict[tuple[str, ...], str]
) -> IntentModel:
    # A word seen once also counts as "a word we do not know", so an utterance of unknown
    # words leans towards the intent whose examples are the most varied (None).
    word_counts = Counter(token.text for example in examples for token in example.tokens)
    counts: dict[str, Counter[str]] = {intent: Counter() for intent in intents}
    documents: Counter[str] = Counter()
    for example in examples:
        words: list[str] = []
        for token in example.tokens:
            if example.role_at(token) or (token.text,) in airports:
                if not words or words[-1] != CITY:
                    words.append(CITY)
                continue
            words.append(token.text)
            if word_counts[token.text] == 1:
                counts[example.intent][UNKNOWN] += 1
        counts[example.intent].update(features(words))
        documents[example.intent] += 1
    vocabulary = frozenset(feature for counter in counts.values() for feature in counter)
    alpha = 0.5
    total_documents = sum(documents.values())
    log_likelihood, log_unseen, log_prior = {}, {}, {}
    for intent in intents:
        total = sum(counts[intent].values()) + alpha * len(vocabulary)
        log_likelihood[intent] = {
            feature: math.log((count + alpha) / total) for feature, count in counts[intent].items()
        }
        log_unseen[intent] = math.log(alpha / total)
        log_prior[intent] = math.log((documents[intent] + 1) / (total_documents + len(intents)))
    return IntentModel(log_prior, log_likelihood, log_unseen, vocabulary)
