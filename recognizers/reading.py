"""A message read word by word, each word taken as the word the user meant.

People type `tmrw`, `fligth`, `Berln` and `paris -> london`. Each word is folded (lower
case, no accents) and, when it is shorthand or a misspelling of a word the bot knows, read as
that word; the date recognizer then reads the corrected text (`flight tomorrow`), and offsets
are mapped back to what was typed. A word that is English, a place, or not within one or two
edits of a known word stays as it is.
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from recognizers.places import WORD, Places, fold

MODELS = Path(__file__).resolve().parent.parent / "cognitive_models"
SPELLING_FILE = MODELS / "spelling.json"
ENGLISH_FILE = MODELS / "english_words.txt"

# Words with letters or digits, keeping an apostrophe inside ("what's"); arrows and planes
# are words too: `paris -> london` reads `paris to london`, `✈️ paris` reads `flight paris`.
_TOKEN = re.compile(
    WORD.pattern + r"|-+>|=+>|[→⟶➔➜➝➞➡>]|\s[-\u2013\u2014]+\s|[\u2013\u2014]|[✈🛫🛬]"
)
_SYMBOLS = {"✈": "flight", "🛫": "flight", "🛬": "flight"}
SHORTEST_CORRECTED = 4  # shorter words are too often something else (`sea`, `sat`, `tom`)


@dataclass(frozen=True)
class Token:
    text: str  # folded: lower case, no accents
    start: int  # offsets into the message as typed, end exclusive
    end: int
    meant: str  # the word(s) meant: `tmrw` -> `tomorrow`; `wanna` -> `want to`

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()


class Speller:
    """What a word typed means: shorthand, a misspelling of a known word, or itself."""

    def __init__(
        self,
        shorthand: dict[str, str],
        targets: dict[str, str],
        known: frozenset[str],
        places: Places,
        counts: Counter[str],
    ) -> None:
        self._shorthand = shorthand
        self._targets = targets  # a spelling to match against -> the word(s) it stands for
        self._choices = list(targets)
        self._known = known
        self._places = places
        self._counts = counts
        self.meant = lru_cache(maxsize=8192)(self._meant)

    @classmethod
    def build(
        cls,
        spelling: dict[str, Any],
        places: Places,
        example_words: Counter[str],
        phrases: list[str],
        listed: list[str],
        *,
        corrections: bool = True,
    ) -> "Speller":
        """`spelling`: `spelling.json`; `example_words`: the words of the training examples,
        with their counts;
        `phrases`: names the bot must recognise as typed (airport synonyms); `listed`: the
        words of the app's phrase lists (`uber`, `airbnb`).
        `corrections=False`: every word is read as typed (to measure what spelling gives)."""
        english = frozenset(ENGLISH_FILE.read_text(encoding="utf-8").split())
        shorthand: dict[str, str] = dict(spelling["shorthand"])
        targets = {word: word for word in spelling["date_words"] + spelling["words"] + listed}
        for word in example_words:
            if word in english or word in targets:
                targets[word] = word
        for phrase in phrases:
            words = phrase.split()
            targets.update((word, word) for word in words if len(word) >= SHORTEST_CORRECTED)
            if len(words) > 1:
                shorthand["".join(words)] = phrase  # `newyork`
                targets["".join(words)] = phrase
        known = english | frozenset(targets) | frozenset(shorthand.values())
        if not corrections:
            shorthand, targets = {}, {}
        return cls(shorthand, targets, known, places, example_words)

    def is_word(self, word: str) -> bool:
        """True for an English word or a word of the examples (`nice`, `flight`)."""
        return word in self._known

    def knows(self, word: str) -> bool:
        """True for a word or a place name."""
        return word in self._known or word in self._places

    def _meant(self, word: str) -> str:
        if word in self._shorthand:
            return self._shorthand[word]
        if len(word) < SHORTEST_CORRECTED or not word.isalpha() or self.knows(word):
            return word
        return self.closest(word) or word

    def closest(self, word: str, most: int | None = None) -> str | None:
        """The known word `word` is most likely a misspelling of, within `most` edits (by
        default one, two for words of six letters or more), keeping the first letter beyond
        one edit; or None."""
        most = most or (1 if len(word) < 6 else 2)
        found = process.extract(
            word, self._choices, scorer=OSA.distance, score_cutoff=most, limit=None
        )
        candidates = [
            (distance, choice[0] != word[0], -self._counts[choice], choice)
            for choice, distance, _ in found
            if distance == 1 or choice[0] == word[0]
        ]
        return self._targets[min(candidates)[3]] if candidates else None


@dataclass(frozen=True)
class Reading:
    """A message as typed, and as meant."""

    text: str
    tokens: tuple[Token, ...]
    meant: str  # the message with each word replaced by the word meant

    def typed_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the typed message that the span [start, end) of `meant` reads."""
        first = last = None
        position = 0
        for token in self.tokens:
            position = self.meant.index(token.meant, position) if token.meant else position
            token_end = position + len(token.meant)
            if first is None and token_end > start:
                first = token
            if position < end:
                last = token
            position = token_end
        if first is None or last is None:
            return start, end
        return first.start, max(last.end, first.start)


def read(text: str, speller: Speller) -> Reading:
    tokens: list[Token] = []
    pieces: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        typed = match.group()
        start, end = match.span()
        if typed[0].isalnum():
            folded = fold(typed)
            meant = speller.meant(folded)
        else:
            # An arrow or a plane; a dash between spaces is read without them.
            stripped = typed.strip()
            start += typed.index(stripped)
            end = start + len(stripped)
            folded = stripped
            meant = _SYMBOLS.get(stripped[:1], "to")
        tokens.append(Token(folded, start, end, meant))
        pieces += [text[position:start], meant]
        position = end
    pieces.append(text[position:])
    return Reading(text, tuple(tokens), "".join(pieces))
