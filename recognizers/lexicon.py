"""The words the bot knows, whichever back end understands the message.

Built from the LUIS app file (its examples' words and its Airport list), `spelling.json`,
`english_words.txt` and `places.txt`. The embedded recognizer learns its intents on top of
it; the dialogs use it to read answers at the booking's questions (`Berln`, `tmrw`, `I'm in
London`) with LUIS and CLU as well.
"""

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from helpers.airports import MODEL_FILE
from recognizers.cities import City, CityReader, Words
from recognizers.places import Places, shared, words_of
from recognizers.reading import SPELLING_FILE, Reading, Speller, read


@dataclass(frozen=True)
class Lexicon:
    speller: Speller
    cities: CityReader
    date_words: frozenset[str]  # words that only ever name a day
    phrase_lists: dict[str, frozenset[str]]  # LUIS phrase lists: words that mean alike

    @classmethod
    def from_luis_app(
        cls, app: dict[str, Any], places: Places | None = None, *, corrections: bool = True
    ) -> "Lexicon":
        places = shared() if places is None else places
        synonyms = {
            " ".join(words_of(synonym)): sub_list["canonicalForm"]
            for closed_list in app.get("closedLists", [])
            if closed_list["name"] == "Airport"
            for sub_list in closed_list["subLists"]
            for synonym in [sub_list["canonicalForm"], *sub_list["list"]]
        }
        example_words = Counter(
            word for utterance in app["utterances"] for word in words_of(utterance["text"])
        )
        phrase_lists = {
            feature["name"]: frozenset(word.strip() for word in feature["words"].split(","))
            for feature in app.get("model_features", [])
        }
        listed = [word for words in phrase_lists.values() for word in words]
        spelling = json.loads(SPELLING_FILE.read_text(encoding="utf-8"))
        speller = Speller.build(
            spelling, places, example_words, list(synonyms), listed, corrections=corrections
        )
        airports = {tuple(phrase.split()): name for phrase, name in synonyms.items()}
        return cls(
            speller,
            CityReader(airports, places, speller),
            frozenset(spelling["date_words"]),
            phrase_lists,
        )

    def read(self, text: str) -> Reading:
        return read(text, self.speller)

    def places_in(self, text: str) -> list[City]:
        """Every city `text` names, in order, with no roles: those ruled out (`not Paris`)
        too."""
        reading = self.read(text)
        words = Words.of(reading)
        return self.cities.find(reading, words, [False] * len(words.words), roles=False)

    def cities_in(self, text: str) -> list[City]:
        """The cities `text` names, with their roles (dates are not looked for)."""
        reading = self.read(text)
        words = Words.of(reading)
        return self.cities.find(reading, words, [False] * len(words.words))


@cache
def lexicon(path: Path = MODEL_FILE) -> Lexicon:
    """The lexicon of a LUIS app file, built once per file."""
    return Lexicon.from_luis_app(json.loads(path.read_text(encoding="utf-8")))
