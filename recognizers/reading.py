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
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from helpers.datetime_helper import MONTHS as MONTH_NAMES
from helpers.datetime_helper import ordinal_suffix
from recognizers.places import WORD, Places, fold
from recognizers.quick_dates import MONTHS
from recognizers.recent import MAX_REMEMBERED_WORD, RememberedWhenShort

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
        self.meant = RememberedWhenShort(self._meant, size=8192, longest=MAX_REMEMBERED_WORD)

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
        if word.endswith("'s") and word[:-2] in self._places:
            return f"{word[:-2]} 's"  # `London's where I'm going`
        if "2" in word and word.count("2") == 1 and word.replace("2", "").isalpha():
            before, after = word.split("2")
            if before in self._places and after in self._places:
                return f"{before} to {after}"  # `berlin2london`
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


# Days written as ordinal words, read as the numbers the date recognizer knows next to a
# month (`the twelfth of May 2027`, `May twenty-first`), holidays as their days, and years in
# words (`twenty twenty-eight`): recognizers-text drops the year of the first and the last.
_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_ORDINAL_DAYS = {
    **{word: number for number, word in enumerate(_UNITS, 1)},
    **{"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14},
    **{"fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18},
    **{"nineteenth": 19, "twentieth": 20, "thirtieth": 30},
}
_TENS = {"twenty": 20, "thirty": 30}
_CARDINALS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_MONTH_WORDS = frozenset(MONTHS)  # names and abbreviations
_HOLIDAYS = {
    ("christmas", "eve"): "december 24th",
    ("christmas", "day"): "december 25th",
    ("christmas",): "december 25th",
    ("xmas", "eve"): "december 24th",
    ("xmas", "day"): "december 25th",
    ("xmas",): "december 25th",
    ("boxing", "day"): "december 26th",
    ("new", "year's", "eve"): "december 31st",
    ("new", "years", "eve"): "december 31st",
    ("new", "year's", "day"): "january 1st",
    ("new", "years", "day"): "january 1st",
    ("halloween",): "october 31st",
    ("valentine's", "day"): "february 14th",
    ("valentines", "day"): "february 14th",
    ("st", "patrick's", "day"): "march 17th",
    ("st", "patricks", "day"): "march 17th",
    ("saint", "patrick's", "day"): "march 17th",
    ("independence", "day"): "july 4th",
}
_LONGEST_HOLIDAY = max(len(words) for words in _HOLIDAYS)
_SPANS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
# Words written apart that the model knows as one: `hay fever`, `heat wave`.
_COMPOUNDS: dict[tuple[str, ...], str] = {
    ("hay", "fever"): "hayfever",
    ("heat", "wave"): "heatwave",
    ("wind", "chill"): "windchill",
    # A greeting, not a time of day: recognizers-text finds no date at all in `good morning,
    # fly on november 30, 2027`.
    ("good", "morning"): "hello",
    ("good", "afternoon"): "hello",
    ("good", "evening"): "hello",
    # `in like 6 days` is read as a duration, `in 6 days` as a day.
    ("in", "like"): "in",
    ("in", "about"): "in",
}


def _count(word: str) -> int | None:
    if word.isdigit() and len(word) <= 3:
        return int(word)
    return _CARDINALS.index(word) + 1 if word in _CARDINALS else None


def _ordinal(number: int) -> str:
    return f"{number}{ordinal_suffix(number)}"


def _month(number: int) -> str:
    """`march` for 3, as the reading writes months."""
    return MONTH_NAMES[number - 1].lower()


def _in_numbers(text: str, tokens: list[Token]) -> list[Token]:
    """`tokens` with days, holidays and years in words read as the date recognizer reads
    them (one token for the words of each)."""
    read: list[Token] = []
    index = 0
    while index < len(tokens):
        found = _number_at(text, tokens, index, read[-1].meant if read else "")
        if found is None:
            read.append(tokens[index])
            index += 1
            continue
        last, meant = found
        typed = text[tokens[index].start : tokens[last].end]
        read.append(Token(fold(typed), tokens[index].start, tokens[last].end, meant))
        index = last + 1
    return read


# A day as booking systems write it: `14MAR28`.
_GDS_DAY = re.compile(r"(\d{1,2})(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(\d{2})")
_MONTH_ABBREVIATIONS = tuple(name for name in MONTHS if len(name) == 3)


def _easter(year: int) -> date:
    """Easter Sunday of `year` (the Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month = (h + weekday - 7 * m + 90) // 25
    return date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)


def _thanksgiving(year: int) -> date:
    """The fourth Thursday of November."""
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


_MOVING_HOLIDAYS = {
    ("easter",): _easter,
    ("easter", "sunday"): _easter,
    ("thanksgiving",): _thanksgiving,
    ("thanksgiving", "day"): _thanksgiving,
}


def _moving_holiday_at(tokens: list[Token], index: int) -> tuple[int, str] | None:
    """`Easter Sunday 2028`, `Thanksgiving 2027`: their day, known only with the year."""
    words = [token.meant for token in tokens[index : index + 3]]
    for length in (2, 1):
        day_of = _MOVING_HOLIDAYS.get(tuple(words[:length]))
        if day_of is None or len(words) <= length:
            continue
        year = words[length]
        if len(year) == 4 and year.isdigit() and 1900 < int(year) < 2200:
            day = day_of(int(year))
            return index + length, f"{_month(day.month)} {_ordinal(day.day)} {year}"
    return None


def _number_at(text: str, tokens: list[Token], index: int, before: str) -> tuple[int, str] | None:
    """The last token and the reading of a day, holiday or year in words at `index`, or of
    a day counted from tomorrow (`a week from tomorrow`: recognizers-text counts from today)."""
    words = [token.meant for token in tokens[index : index + 4]]
    if (compound := _COMPOUNDS.get(tuple(words[:2]))) is not None:
        return index + 1, compound
    gds = _GDS_DAY.fullmatch(words[0])
    if gds is not None:
        return index, f"{_month(MONTHS[gds[2]])} {gds[1]} 20{gds[3]}"
    if (holiday := _moving_holiday_at(tokens, index)) is not None:
        return holiday
    if words[:2] == ["two", "thousand"] and _after_a_month_or_day(before):
        # `two thousand and twenty-eight`
        last = index + 2 if words[2:3] == ["and"] else index + 1
        if last + 1 >= len(tokens) or tokens[last + 1].meant not in _TENS:
            return None
        year, last = 2000 + _TENS[tokens[last + 1].meant], last + 1
        if (
            last + 1 < len(tokens)
            and tokens[last + 1].meant in _CARDINALS
            and _joined(text, tokens[last], tokens[last + 1])
        ):
            year, last = year + _CARDINALS.index(tokens[last + 1].meant) + 1, last + 1
        return last, str(year)
    if len(words) == 4 and words[2:] == ["from", "tomorrow"] and words[1] in _SPANS:
        count = 1 if words[0] in ("a", "an") else _count(words[0])
        if count is not None:
            return index + 3, f"in {count * _SPANS[words[1]] + 1} days"
    words = words[:_LONGEST_HOLIDAY]
    for length in range(len(words), 0, -1):
        if tuple(words[:length]) in _HOLIDAYS:
            return index + length - 1, _HOLIDAYS[tuple(words[:length])]
    word = words[0]
    joined = len(words) > 1 and _joined(text, tokens[index], tokens[index + 1])
    if word in _TENS and joined and words[1] in _UNITS:
        day, last = _TENS[word] + _UNITS.index(words[1]) + 1, index + 1
    elif word in _ORDINAL_DAYS:
        day, last = _ORDINAL_DAYS[word], index
    elif word == "twenty" and joined and words[1] in ("twenty", "thirty"):
        year, last = 2000 + _TENS[words[1]], index + 1
        if (
            len(words) > 2
            and words[2] in _CARDINALS
            and _joined(text, tokens[last], tokens[last + 1])
        ):
            year, last = year + _CARDINALS.index(words[2]) + 1, last + 1
        return (last, str(year)) if _after_a_month_or_day(before) else None
    else:
        return None
    if day > 31 or not _next_to_a_month(tokens, index, last):
        return None
    return last, _ordinal(day)


def _joined(text: str, first: Token, second: Token) -> bool:
    return text[first.end : second.start] in (" ", "-")


def _next_to_a_month(tokens: list[Token], first: int, last: int) -> bool:
    """`May twelfth`, `May the twelfth`, `twelfth May`, `twelfth of May`."""
    before = [token.meant for token in tokens[max(0, first - 2) : first]]
    after = [token.meant for token in tokens[last + 1 : last + 3]]
    return (
        (bool(before) and before[-1] in _MONTH_WORDS)
        or (len(before) == 2 and before[1] == "the" and before[0] in _MONTH_WORDS)
        or (bool(after) and after[0] in _MONTH_WORDS)
        or (len(after) == 2 and after[0] == "of" and after[1] in _MONTH_WORDS)
    )


def _after_a_month_or_day(before: str) -> bool:
    """A year in words comes after a month or a day (`May 12th twenty twenty-eight`, `March
    thirteenth twenty twenty-eight`, `Christmas Eve twenty twenty-seven`): `before` is what
    the word before it reads."""
    before = before.rsplit(" ", 1)[-1]
    return before in _MONTH_WORDS or before[:1].isdigit() or before in _ORDINAL_DAYS


# Words that start no city: a dash before one is a pause, not `to` (`Berlin - no wait, Paris -
# from Seattle`).
_AFTER_A_PAUSE = frozenset(
    {"no", "wait", "sorry", "actually", "oops", "i", "from", "to", "or", "and", "on", "in"}
)


def _dashes_between_cities(tokens: list[Token]) -> list[Token]:
    """A dash between spaces reads `to`, except before a word that starts no city or after a
    number (`June 10, 2027 - Seattle to Paris`): there it is a pause."""
    return [
        Token(token.text, token.start, token.end, "")
        if token.meant == "to"
        and set(token.text) <= {"-", "\u2013", "\u2014"}
        and number + 1 < len(tokens)
        and (
            tokens[number + 1].meant in _AFTER_A_PAUSE
            or (number > 0 and tokens[number - 1].text[:1].isdigit())
        )
        else token
        for number, token in enumerate(tokens)
    ]


def _months_typed_wrong(tokens: list[Token], speller: Speller) -> list[Token]:
    """`frb 28`: a word of three letters that is no word, one edit from a month's and before
    a day, is that month (the speller corrects words of four letters or more)."""
    read = list(tokens)
    for number, token in enumerate(tokens[:-1]):
        following = tokens[number + 1].meant
        if (
            len(token.meant) == 3
            and token.meant.isalpha()
            and not speller.knows(token.meant)
            and token.meant not in _MONTH_WORDS
            and following.isdigit()
            and len(following) <= 2
        ):
            close = [m for m in _MONTH_ABBREVIATIONS if OSA.distance(token.meant, m) == 1]
            if len(close) == 1:
                read[number] = Token(token.text, token.start, token.end, close[0])
    return read


def read(text: str, speller: Speller) -> Reading:
    tokens: list[Token] = []
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
    tokens = _in_numbers(text, _dashes_between_cities(_months_typed_wrong(tokens, speller)))
    pieces: list[str] = []
    position = 0
    for token in tokens:
        pieces += [text[position : token.start], token.meant]
        position = token.end
    pieces.append(text[position:])
    return Reading(text, tuple(tokens), "".join(pieces))
