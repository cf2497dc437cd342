"""The cities a message names, and which is the origin and which the destination.

A city is a supported airport (by any synonym in the Airport list, or a misspelling of one),
a place of the world the list lacks (`places.txt`), or an unknown word right after `to` or
`from`, or right before `to` and a city. A city ruled out (`not to Paris`) or taken back
(`to Paris, sorry, I mean to Berlin`) is dropped. Roles come from the words around a city (`from`, `leaving`, `I'm in` -> From; `to`,
`arriving`, `destination is` -> To; `X to Y`, `X -> Y`); a lone city is the destination;
several cities with no such words get no role, so the bot asks rather than guesses.
"""

from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import OSA

from helpers.phrases import takes_back
from helpers.user_text import echo
from recognizers.places import Places, title_case
from recognizers.reading import SHORTEST_CORRECTED, Reading, Speller


class Role(Enum):
    FROM = "From"
    TO = "To"


STRONG, WEAK = 2, 1
# Words just before a city (as meant), with the role they give it and how sure that is.
LEFT_CUES: dict[tuple[str, ...], tuple[Role, int]] = {
    **{
        (word,): (Role.FROM, STRONG)
        for word in (
            *("from", "leaving", "leave", "leaves", "departing", "depart", "departs"),
            *("departure", "origin", "outta", "starting", "ex", "home"),
            *("dep", "orig"),  # booking-system labels: `DEP SEA ARR LHR`
        )
    },
    **{
        phrase: (Role.FROM, STRONG)
        for phrase in (
            ("out", "of"),
            ("start", "in"),
            ("start", "from"),
            ("origin", "of"),
            ("take", "off"),
            ("takeoff",),
            ("start",),
            ("off", "in"),
            ("off", "from"),
            ("starting", "out", "in"),
            ("starting", "out", "from"),
            ("starts", "in"),
            ("starts", "from"),
            ("starts", "at"),
            ("begins", "in"),
            ("begins", "at"),
            ("starting", "in"),
            ("starting", "from"),
            ("starting", "at"),
            ("based", "in"),
            ("live", "in"),
            ("living", "in"),
            ("i'm", "in"),
            ("am", "in"),
            ("we're", "in"),
            ("are", "in"),
            ("currently", "in"),
            ("stuck", "in"),
            ("back", "from"),
        )
    },
    **{
        (word,): (Role.TO, STRONG)
        for word in (
            *("to", "into", "arriving", "arrive", "arrives", "arrival", "destination"),
            *("towards", "toward", "reach", "reaching", "ending", "end"),
            *("arr", "dest"),  # booking-system labels: `DEP SEA ARR LHR`
        )
    },
    **{
        phrase: (Role.TO, STRONG)
        for phrase in (
            ("bound", "for"),
            ("headed", "for"),
            ("heading", "for"),
            ("land", "in"),
            ("landing", "in"),
            ("get", "in"),
            ("end", "up", "in"),
            ("end", "up", "at"),
            ("destination", "of"),
            ("landing",),
            ("target",),
            ("ends", "in"),
            ("ends", "at"),
            ("finishes", "in"),
            ("to", "be", "in"),
            ("going", "in"),
        )
    },
    ("for",): (Role.TO, WEAK),
    ("in",): (Role.TO, WEAK),
    ("visit",): (Role.TO, WEAK),
    ("visiting",): (Role.TO, WEAK),
    ("at",): (Role.TO, WEAK),
}
LONGEST_CUE = max(len(phrase) for phrase in LEFT_CUES)
CUE_ENDINGS = frozenset(phrase[-1] for phrase in LEFT_CUES)
# Words between a cue and its city that do not change it: `destination is`, `origin city:`,
# `departure location`, `starting point`.
FILLER = frozenset(
    {"is", "will", "be", "being", "city", "airport", "the", "my", "our", "would", "should"}
    | {"point", "location", "place", "town", "as", "put"}
)
# Nouns that name a role, before `to`: `set the departure point to London` (From), where `to`
# alone would make London the destination.
ROLE_NOUNS = {
    **dict.fromkeys(("origin", "departure", "starting", "takeoff", "off"), Role.FROM),
    **dict.fromkeys(("destination", "arrival", "ending", "landing"), Role.TO),
}
# Words in a label before a colon that name a role: `journey start: Berlin`.
LABELS = {
    **ROLE_NOUNS,
    **dict.fromkeys(("start", "from", "leaving", "home", "source", "dep", "orig"), Role.FROM),
    **dict.fromkeys(("starts", "begins"), Role.FROM),
    **dict.fromkeys(("end", "to", "going", "target", "arr", "dest"), Role.TO),
    **dict.fromkeys(("ends", "finishes"), Role.TO),
}
# What comes before a role noun that is the subject of its own phrase (`set the origin to
# Paris`, `my departure city to be Seattle`), not a city's label (`Berlin (origin) to`).
CHANGING = frozenset({"set", "change", "changed", "make", "switch", "update", "put", "move"})
DETERMINERS = frozenset({"the", "my", "our", "your", "a", "an"})
# Words just after a city: `Paris to Berlin`, `Berlin from Paris`, `Seattle bound`.
RIGHT_CUES: dict[str, tuple[Role, int]] = {
    "to": (Role.FROM, STRONG),
    "from": (Role.TO, STRONG),
    "bound": (Role.TO, STRONG),
    "departure": (Role.FROM, STRONG),
    "departures": (Role.FROM, STRONG),
    "arrival": (Role.TO, STRONG),
    "arrivals": (Role.TO, STRONG),
    "origin": (Role.FROM, STRONG),  # `Berlin (origin)`
    "destination": (Role.TO, STRONG),
}
# A clause about the city just named: `Paris is my destination`, `Seattle: that's where I'm
# flying from`. It opens with one of these words (or a colon), and its words give the role.
CLAUSE_OPENERS = frozenset(
    {"is", "'s", "that's", "thats", "will", "as", "which", "where", "i'm", "we're", "i'll"}
    | {"my", "our", "the"}  # `make Paris my departure point`, `London the origin`
)
CLAUSE_FROM = frozenset(
    {"from", "leaving", "leave", "start", "starting", "origin", "departing", "departure", "out"}
)
CLAUSE_TO = frozenset(
    {"destination", "going", "go", "headed", "heading", "arriving", "arrival", "end", "be"}
    | {"final", "landing", "land", "arrive"}
)
# A clause that ends in one of these is about where the user goes: `Seattle is where I need
# to fly` (`... fly from` names the origin).
CLAUSE_TO_LAST = frozenset({"fly", "flying", "travel", "travelling", "traveling", "visit"})
CLAUSE_WORDS = 8
CLAUSE_ENDS = frozenset(".,;!?")
# Between spaced words, these part a list of fields as a comma would: `Departure: Paris /
# Arrival: London`.
FIELD_SEPARATORS = frozenset({"/", "|"})
CLAUSE_BREAKS = frozenset({"and", "but", "then", "while", "or"})
# Misspelt cues, read as cues only next to a city: "flight form paris".
CUE_TYPOS = {"form": "from", "fro": "from", "too": "to", "ot": "to", "tp": "to", "tot": "to"}
# Between two cities, a route: `Paris-Berlin`, `CDG/TXL`.
ROUTE_GAPS = frozenset({"-", "/", "\u2013", "\u2014", "--"})
UNKNOWN_CITY_WORDS = 3
# Grammar words, which start no city's name (a quick way past most of a message).
NEVER_CITIES = frozenset(
    {
        *("to", "from", "in", "into", "for", "at", "of", "on", "by", "with", "and", "or"),
        *("the", "a", "an", "i", "i'm", "me", "my", "you", "your", "is", "are", "be", "it"),
        *("this", "that", "can", "could", "would", "want", "need", "like", "please", "book"),
        *("flight", "flights", "fly", "flying", "ticket", "go", "get", "what", "what's"),
    }
)
SHORTEST_FUZZY_AIRPORT = 5  # `sea` is a word; `pairs` is Paris only in a city's place


@dataclass
class City:
    first: int  # indexes into the message's words (`Words.words`), inclusive
    last: int
    airport: str | None  # canonical name of a supported airport; None: one we do not serve
    shown: str  # the name as the bot writes it: `New York`, `New Delhi`
    role: Role | None = None
    sure: bool = False  # the role comes from a word that says so, not from a guess
    alternative: bool = False  # one of two cities joined by `or`/`and`: no role is guessed


@dataclass(frozen=True)
class Words:
    """A message's words as meant (`wanna` is two), each with the token it comes from."""

    words: list[str]
    token: list[int]  # index into reading.tokens
    typed: list[str]  # the word as typed, folded; "" for the second word of `wanna`

    @classmethod
    def of(cls, reading: Reading) -> "Words":
        words: list[str] = []
        owners: list[int] = []
        typed: list[str] = []
        for index, token in enumerate(reading.tokens):
            for number, word in enumerate(token.meant.split(" ")):
                words.append(word)
                owners.append(index)
                typed.append("" if number else token.text)
        return cls(words, owners, typed)


class CityReader:
    def __init__(
        self, airports: dict[tuple[str, ...], str], places: Places, speller: Speller
    ) -> None:
        self._airports = airports
        self._longest_airport = max((len(key) for key in airports), default=1)
        self._airport_starts = frozenset(key[0] for key in airports)
        self._places = places
        self._speller = speller
        # Names long enough to be misspelt recognisably, by how many words they have.
        self._fuzzy_airports: dict[int, dict[str, str]] = {1: {}, 2: {}}  # synonym -> name
        for key, name in airports.items():
            if len(key) in self._fuzzy_airports and len(" ".join(key)) >= SHORTEST_FUZZY_AIRPORT:
                self._fuzzy_airports[len(key)][" ".join(key)] = name

    def find(
        self, reading: Reading, words: Words, in_date: list[bool], *, roles: bool = True
    ) -> list[City]:
        """Every city the words name (none inside a date), with its role (`roles=False`:
        where they are only, as learning the intents needs)."""
        cities: list[City] = []
        index = 0
        while index < len(words.words):
            city = None
            word = words.words[index]
            if not in_date[index] and word[:1].isalnum() and word not in NEVER_CITIES:
                after_city = bool(cities) and cities[-1].last == index - 1
                city = (
                    self._airport_at(words.words, index)
                    or self._hyphenated_at(reading, words, index)
                    or self._place_at(reading, words, index, after_city)
                    or self._unknown_at(words.words, in_date, index)
                )
            if city is None:
                index += 1
                continue
            cities.append(city)
            index = city.last + 1
        if not roles:
            return cities
        cities = [city for city in cities if not _negated(words.words, city)]
        cities = assign_roles(reading, words, cities)
        return _without_retracted(words.words, cities)

    def _airport_at(self, words: list[str], index: int) -> City | None:
        for length in range(min(self._longest_airport, len(words) - index), 0, -1):
            name = self._airports.get(tuple(words[index : index + length]))
            if name is not None:
                return City(index, index + length - 1, name, name)
        return self._misspelt_airport_at(words, index)

    def _misspelt_airport_at(self, words: list[str], index: int) -> City | None:
        """A misspelling the speller left alone: an English word in a city's place
        (`to pairs`), a name of several words with an unknown one (`Nwe York`), or an
        unknown word two edits from an airport in a city's place (`to Brln`)."""
        in_place: bool | None = None
        for length in (2, 1):
            span = words[index : index + length]
            if len(span) < length or not span[0][:1].isalpha():
                continue
            known = all(map(self._speller.knows, span))
            edits = 1
            if known or length == 1:
                if in_place is None:
                    in_place = (
                        cue_before(words, index) is not None or cue_after(words, index) is not None
                    )
                if known and not in_place:
                    continue
                if not known and in_place and len(span[0]) >= SHORTEST_CORRECTED:
                    edits = 2
            names = self._fuzzy_airports[length]
            found = process.extractOne(
                " ".join(span), names.keys(), scorer=OSA.distance, score_cutoff=edits
            )
            if found is not None:
                name = names[found[0]]
                return City(index, index + length - 1, name, name)
        return None

    def _place_at(
        self, reading: Reading, words: Words, index: int, after_city: bool
    ) -> City | None:
        """A place of the world; a country or state right after a city only says where that
        city is (`Berlin, Germany`)."""
        # Places by the words as typed too: `Minh` is no misspelling of `mine`.
        found = [self._places.longest_at(words.words, index)]
        if words.typed[index] and words.typed != words.words:
            found.append(self._places.longest_at(words.typed, index))
        place = max((p for p in found if p), key=lambda p: p.words, default=None)
        if place is None or (place.region and after_city):
            return None
        last = index + place.words - 1
        airport = self._airports.get(tuple(place.name.lower().split()))
        first, end = reading.tokens[words.token[index]], reading.tokens[words.token[last]]
        said = reading.text[first.start : first.end]
        in_place = cue_before(words.words, index) is not None or self._route_follows(
            words.words, last
        )
        if (
            place.words == 1
            and self._speller.is_word(words.words[index])
            and not (said[:1].isupper() and in_place)
        ):
            return None  # `nice`, `reading`: a city only when written as a name in a city's place
        if place.words == 1 and len(said) <= 2 and not (said.isupper() or in_place):
            return None  # `ta`, `ok`: a name this short only as `LA`, or in a city's place
        if airport is not None:
            return City(index, last, airport, airport)
        typed = reading.text[first.start : end.end]
        # Written with its accents (`São Paulo`): named so; else by its usual spelling.
        return City(index, last, None, place.shown if typed.isascii() else title_case(typed))

    def _hyphenated_at(self, reading: Reading, words: Words, index: int) -> City | None:
        """`to Hay-on-Wye`, `from Stratford-upon-Avon`: a name of words joined by hyphens,
        written as a name, after a word that gives a city its role."""
        cue = cue_before(words.words, index)
        if cue is None or cue[1] < STRONG:
            return None
        last = index
        while last + 1 < len(words.words) and last - index < 3:
            here, following = (reading.tokens[words.token[i]] for i in (last, last + 1))
            if reading.text[here.end : following.start] != "-":
                break
            last += 1
        first, end = reading.tokens[words.token[index]], reading.tokens[words.token[last]]
        typed = reading.text[first.start : end.end]
        if last == index or not typed[:1].isupper():
            return None
        return City(index, last, None, echo(typed))

    def _route_follows(self, words: list[str], last: int) -> bool:
        """`Wellington to Paris`: `to` and a city right after `words[last]`."""
        if last + 2 >= len(words) or words[last + 1] not in ("to", "-"):
            return False
        return bool(
            self._airports.get((words[last + 2],)) or self._places.longest_at(words, last + 2)
        )

    def _unknown_at(self, words: list[str], in_date: list[bool], index: int) -> City | None:
        """Words that are no word we know, right after `to`/`from`, or right before `to` and
        a city (`Derryville to Paris`): a city we do not know."""
        cue = cue_before(words, index)
        last = index - 1
        while (
            last + 1 < len(words)
            and last + 1 - index < UNKNOWN_CITY_WORDS
            and not in_date[last + 1]
            and self._could_be_name(words[last + 1])
        ):
            last += 1
        if last < index:
            return None
        strong_before = cue is not None and cue[1] >= STRONG
        # Before `to`, an unknown word is a city only if it is no misspelling either: the
        # first word of `flite to berlin` is a flight.
        if not strong_before and not (
            cue_after(words, last) == (Role.FROM, STRONG)
            and self._names_a_city(words, last + 2)
            and not any(self._speller.closest(word, 2) for word in words[index : last + 1])
        ):
            return None
        return City(index, last, None, title_case(" ".join(words[index : last + 1])))

    def _names_a_city(self, words: list[str], index: int) -> bool:
        """An airport or a place starts at `words[index]`."""
        return index < len(words) and (
            words[index] in self._airport_starts
            or self._places.longest_at(words, index) is not None
        )

    def _could_be_name(self, word: str) -> bool:
        """An unknown word, and no misspelling of a known one: the speller corrects words
        of four letters or more, so a shorter one is checked here (`fyl` is `fly`)."""
        return (
            len(word) >= 3
            and word.isalpha()
            and not self._speller.knows(word)
            and (len(word) >= SHORTEST_CORRECTED or self._speller.closest(word) is None)
        )


def cue_before(words: list[str], index: int, start: int = 0) -> tuple[Role, int] | None:
    """The role the words just before `words[index]` give a city there, and how sure;
    `start`: where the clause begins (no cue before it counts)."""
    end = index
    while end > start and index - end < 3 and words[end - 1] in FILLER:
        end -= 1
        if words[max(start, end - 2) : end] == ["going", "to"] and words[end] == "be":
            end -= 2  # `the departure city is going to be Berlin`
            while end > start and words[end - 1] in FILLER:
                end -= 1
            break
    if end <= start or CUE_TYPOS.get(words[end - 1], words[end - 1]) not in CUE_ENDINGS:
        return None
    for length in range(min(LONGEST_CUE, end - start), 0, -1):
        phrase = tuple(CUE_TYPOS.get(word, word) for word in words[end - length : end])
        if phrase == ("to",):
            return _role_noun_before(words, end - 1, start) or LEFT_CUES[phrase]
        if phrase in LEFT_CUES:
            return LEFT_CUES[phrase]
    return None


def _role_noun_before(words: list[str], index: int, start: int) -> tuple[Role, int] | None:
    """The role a noun names just before `to` (`set the departure point to`), if one does;
    not `Berlin (origin) to Seattle`, where the noun is the city's before it."""
    while index > start and words[index - 1] in FILLER - {"is", "will", "be"}:
        index -= 1
    if index <= start or words[index - 1] not in ROLE_NOUNS:
        return None
    if index - 1 > start and words[index - 2] not in DETERMINERS | CHANGING:
        return None
    return ROLE_NOUNS[words[index - 1]], STRONG


def cue_after(words: list[str], index: int, last: int | None = None) -> tuple[Role, int] | None:
    following = (index if last is None else last) + 1
    if following >= len(words):
        return None
    return RIGHT_CUES.get(CUE_TYPOS.get(words[following], words[following]))


def clause_after(reading: Reading, words: Words, city: City, cities: list[City]) -> Role | None:
    """The role a clause right after a city gives it (`Paris is my destination`)."""
    starts = {other.first for other in cities}
    clause: list[str] = []
    for index in range(city.last + 1, min(len(words.words), city.last + 1 + CLAUSE_WORDS)):
        if index in starts and clause[-1:] in (["is"], ["'s"], ["be"]):
            return None  # `Paris, the starting point is Seattle`: the clause is Seattle's
        if index in starts or words.words[index] in CLAUSE_BREAKS:
            break
        if clause and words.token[index] != words.token[index - 1]:
            previous = reading.tokens[words.token[index - 1]]
            gap = reading.text[previous.end : reading.tokens[words.token[index]].start]
            if ends_clause(gap):
                break
        clause.append(words.words[index])
    if not clause:
        return None
    after_city = reading.text[reading.tokens[words.token[city.last]].end :].lstrip()
    if after_city[:1] in CLAUSE_ENDS - {","}:
        return None
    opens = clause[0] in CLAUSE_OPENERS or clause[:2] == ["to", "be"]  # `Berlin to be the ...`
    if not opens and not after_city.startswith(":"):
        return None
    if CLAUSE_FROM & set(clause):
        return Role.FROM
    if CLAUSE_TO & set(clause) or clause[-1] == "to" or clause[-1] in CLAUSE_TO_LAST:
        return Role.TO
    return None


def ends_clause(gap: str) -> bool:
    """True when the text between two words ends a clause: `.`, `,`, `;`, `!`, `?`, or a
    field separator between spaces (`Paris / Arrival`, not `CDG/TXL`)."""
    return bool(CLAUSE_ENDS & set(gap)) or (
        gap.strip() in FIELD_SEPARATORS and gap[:1].isspace() and gap[-1:].isspace()
    )


def _clause_ends_after(reading: Reading, words: Words, index: int) -> bool:
    """True when punctuation (`.`, `,`, `;`...) follows `words[index]`."""
    if index + 1 >= len(words.words) or words.token[index] == words.token[index + 1]:
        return False
    here, following = (reading.tokens[words.token[i]] for i in (index, index + 1))
    return ends_clause(reading.text[here.end : following.start])


def _subject_before(reading: Reading, words: Words, index: int) -> tuple[Role, int] | None:
    """`Origin city for this trip is Seattle`: the role the subject of `is` names."""
    if index == 0 or words.words[index - 1] not in ("is", "'s", "be"):
        return None
    start = clause_start(reading, words, index - 1)
    roles = {ROLE_NOUNS[word] for word in words.words[start : index - 1] if word in ROLE_NOUNS}
    return (roles.pop(), STRONG) if len(roles) == 1 else None


def _label_before(reading: Reading, words: Words, index: int) -> tuple[Role, int] | None:
    """`Origin city for my flight: Paris`: the role a label before a colon names."""
    if index == 0 or words.token[index] == words.token[index - 1]:
        return None
    before = reading.tokens[words.token[index - 1]]
    if ":" not in reading.text[before.end : reading.tokens[words.token[index]].start]:
        return None
    start = clause_start(reading, words, index - 1)
    roles = {LABELS[word] for word in words.words[start:index] if word in LABELS}
    return (roles.pop(), STRONG) if len(roles) == 1 else None


def clause_start(reading: Reading, words: Words, index: int) -> int:
    """The first word of the clause `words[index]` is in (after `.`, `,`, `;`, `!`, `?`).
    A question mark or colon right before the city does not end its clause: `Where to?
    Berlin`, `Destination: Paris`."""
    first = index
    while index > 0:
        before = reading.tokens[words.token[index - 1]]
        gap = reading.text[before.end : reading.tokens[words.token[index]].start]
        answers = index == first and set(gap.strip()) <= {"?", ":"}
        if words.token[index] != words.token[index - 1] and ends_clause(gap) and not answers:
            return index
        index -= 1
    return 0


def assign_roles(reading: Reading, words: Words, cities: list[City]) -> list[City]:
    """Each city's role, where words say it or the other city's gives it; the cities left
    (one taken back by the next, `from Seattle, I mean New York`, is dropped)."""
    for city in cities:
        left = cue_before(words.words, city.first, clause_start(reading, words, city.first))
        right = cue_after(words.words, city.first, city.last)
        if right is not None and _clause_ends_after(reading, words, city.last):
            right = None  # `London Heathrow. Departure airport: Seattle`
        clause = clause_after(reading, words, city, cities)
        if clause is not None and (left is None or left[1] < STRONG):
            left = (clause, STRONG)
        if left is None:
            left = _label_before(reading, words, city.first) or _subject_before(
                reading, words, city.first
            )
        best = max((cue for cue in (left, right) if cue), key=lambda cue: cue[1], default=None)
        if best is not None:
            city.role, city.sure = best[0], best[1] >= STRONG
    cities = _taking_back(words.words, cities)
    for city in cities:
        if city.role is None and _two_for_to(words.words, city):
            city.role, city.sure = Role.TO, True
    # `married in London ... from Seattle to London`, `London Heathrow`: one airport named
    # again, the mention whose role is said stands for it.
    cities = [
        city
        for city in cities
        if city.sure
        or city.airport is None
        or not any(other.sure and other.airport == city.airport for other in cities)
    ]
    if any(_between(words.words, city.first) for city in cities):
        for city in cities:
            city.role, city.sure = None, False
        return cities
    for first, second in pairwise(cities):
        joined = words.words[first.last + 1 : second.first]
        if (
            0 < len(joined) <= 2
            and joined[0] in ALTERNATIVES
            and cue_before(words.words, second.first) is None
            and not second.sure  # `from London and Berlin's where I land`
        ):
            # `to Paris or Berlin`, `from London and Paris`: which one is not said.
            first.role = second.role = None
            first.sure = second.sure = False
            first.alternative = second.alternative = True
    for first, second in pairwise(cities):
        if first.role is None and second.role is None and _route_gap(reading, words, first, second):
            first.role, second.role = Role.FROM, Role.TO
            first.sure = second.sure = True
    sure_roles = {city.role for city in cities if city.sure}
    for city in cities:
        if city.role is not None and not city.sure and city.role in sure_roles:
            city.role = next(role for role in Role if role is not city.role)
    unplaced = [city for city in cities if city.role is None and not city.alternative]
    if not unplaced:
        return cities
    free = [role for role in Role if role not in {city.role for city in cities}]
    if len(cities) == 1:
        unplaced[0].role = Role.TO  # a lone city is where the user wants to go
    elif len(unplaced) == 1 and len(free) == 1:
        unplaced[0].role = free[0]
    return cities


# `not to Paris`, `not Paris`: a city the user rules out (`no, to Paris` is a correction).
NEGATIONS = frozenset({"not", "never"})
# Between two cities, a word that makes them alternatives: `to Paris or Berlin`.
ALTERNATIVES = frozenset({"or", "and"})


def _negated(words: list[str], city: City) -> bool:
    before = words[max(0, city.first - 2) : city.first]
    return bool(before) and (
        before[-1] in NEGATIONS
        or (len(before) == 2 and before[0] in NEGATIONS and before[1] in CUE_ENDINGS)
    )


def _without_retracted(words: list[str], cities: list[City]) -> list[City]:
    """Of two cities said to have the same role, the first is dropped when a word between
    them takes it back; otherwise neither keeps the role, and the bot asks."""
    kept = list(cities)
    for number, first in enumerate(cities):
        later = [
            city
            for city in cities[number + 2 :]
            if city.sure
            and first.sure
            and city.role is first.role
            and city.airport != first.airport
        ]
        # `from Berlin to London - sorry, from New York to London`
        if later and takes_back(words[first.last + 1 : later[0].first]) and first in kept:
            kept.remove(first)
    for first, second in pairwise(cities):
        if first not in kept or not (first.sure and second.sure and first.role is second.role):
            continue
        if takes_back(words[first.last + 1 : second.first]):
            kept.remove(first)
        else:
            first.role = second.role = None
            first.sure = second.sure = False
    return kept


def _two_for_to(words: list[str], city: City) -> bool:
    """`flite 2 londn`: `2` for `to` right before a city, after a word."""
    return city.first >= 2 and words[city.first - 1] == "2" and words[city.first - 2].isalpha()


def _taking_back(words: list[str], cities: list[City]) -> list[City]:
    """A city right after words that take the one before back (`from Seattle, I mean New
    York`, `Berlin - no wait, Paris`) with no role word of its own takes that one's place."""
    kept = list(cities)
    for first, second in pairwise(cities):
        between = words[first.last + 1 : second.first]
        if 0 < len(between) <= 3 and takes_back(between) and second.role is None:
            second.role, second.sure = first.role, first.sure
            if first in kept:
                kept.remove(first)
    return kept


def _between(words: list[str], index: int) -> bool:
    """`between Paris and Berlin`: two cities, no direction."""
    return index > 0 and words[index - 1] == "between"


def _route_gap(reading: Reading, words: Words, first: City, second: City) -> bool:
    """`Paris-Berlin`, `CDG/TXL`, `berlin 2 paris`."""
    if second.first == first.last + 2 and words.words[first.last + 1] == "2":
        left = reading.tokens[words.token[first.last]]
        right = reading.tokens[words.token[second.first]]
        return reading.text[left.end : right.start] == " 2 "
    if second.first != first.last + 1:
        return False
    left = reading.tokens[words.token[first.last]]
    right = reading.tokens[words.token[second.first]]
    return reading.text[left.end : right.start].strip() in ROUTE_GAPS
