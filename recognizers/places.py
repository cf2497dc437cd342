"""Places of the world by name, for telling an unsupported city from an ordinary word.

`cognitive_models/places.txt` (built from GeoNames by `cognitive_models/make_lists.py`) holds
every city of 15,000 people or more, every country and US state: one line per name people
type, `key<TAB>name shown[<TAB>the place's own name[<TAB>region]]`, the key folded to lower
case without accents (`sao paulo	Sao Paulo	São Paulo`, `bombay	Bombay	Mumbai`,
`spain	Spain	Spain	region`).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PLACES_FILE = Path(__file__).resolve().parent.parent / "cognitive_models" / "places.txt"
# Letters and digits, keeping an apostrophe inside a word ("what's", "xi'an").
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def fold(text: str) -> str:
    """Lower case, without accents: `São` -> `sao`."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def words_of(text: str) -> list[str]:
    return [fold(match.group()) for match in WORD.finditer(text)]


@dataclass(frozen=True)
class Place:
    shown: str  # the name as the bot writes it back: `New Delhi`
    name: str  # the place's own name: `Delhi`
    words: int  # how many words of the message it spans
    region: bool = False  # a country or a state, not a city


class Places:
    def __init__(self, lines: list[str]) -> None:
        # Lines are split only when a message names them: reading them all costs start-up.
        self._lines = {line[: line.index("\t")]: line for line in lines}
        longest: dict[str, int] = {}
        for key in self._lines:
            if " " in key:
                first, words = key[: key.index(" ")], key.count(" ") + 1
                if longest.get(first, 1) < words:
                    longest[first] = words
        self._longest = longest  # first word -> words of the longest name it starts

    @classmethod
    def load(cls, path: Path = PLACES_FILE) -> "Places":
        return cls(path.read_text(encoding="utf-8").splitlines())

    def __contains__(self, key: str) -> bool:
        return key in self._lines

    def longest_at(self, words: list[str], index: int) -> Place | None:
        """The longest place name that starts at `words[index]` (folded words)."""
        most = min(self._longest.get(words[index], 1), len(words) - index)
        for length in range(most, 0, -1):
            line = self._lines.get(" ".join(words[index : index + length]))
            if line is not None:
                _, shown, *rest = line.split("\t")
                return Place(shown, rest[0] if rest else shown, length, len(rest) > 1)
        return None


@cache
def shared() -> Places:
    """The places file, read once for the whole process."""
    return Places.load()


def title_case(said: str) -> str:
    """`SAN francisco` -> `San Francisco`; a word the user wrote in mixed case is kept as
    written (`Hay-on-Wye`, `McAllen`)."""
    return " ".join(
        word
        if word[:1].isupper() and not word.isupper() and not word[1:].islower()
        else word[:1].upper() + word[1:].lower()
        for word in said.split()
    )


def place_name(said: str) -> str:
    """A place as the bot names it: as written if written with its accents (`São Paulo`),
    else its usual spelling if known (`Rio de Janeiro`), else in Title Case (`Springfield`)."""
    words = words_of(said)
    found = shared().longest_at(words, 0) if words else None
    if found is not None and found.words == len(words) and said.isascii():
        return found.shown
    return title_case(said)
