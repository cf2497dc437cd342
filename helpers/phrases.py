"""What a user types to interrupt a prompt: commands and questions about the prompt."""

import re
from collections.abc import Sequence
from enum import Enum
from itertools import pairwise

from rapidfuzz.distance import OSA

from helpers.datetime_helper import MONTHS
from helpers.user_text import tidy


class Command(Enum):
    HELP = "help"
    CANCEL = "cancel"
    START_OVER = "start over"


_COMMANDS = {
    "help": Command.HELP,
    "?": Command.HELP,
    "cancel": Command.CANCEL,
    "quit": Command.CANCEL,
    "stop": Command.CANCEL,
    "exit": Command.CANCEL,
    "never mind": Command.CANCEL,
    "nevermind": Command.CANCEL,
    "forget it": Command.CANCEL,
    "forget about it": Command.CANCEL,
    "start over": Command.START_OVER,
    "restart": Command.START_OVER,
}
_TRAILING_PUNCTUATION = ".,;:!?…"


def command_in(text: str) -> Command | None:
    """The command the whole message is, ignoring case, spaces and trailing punctuation:
    `Help!`, ` cancel.`, `never  mind?`. `cancel please` is not a command."""
    said = tidy(text).lower()
    if said and set(said) == {"?"}:
        return Command.HELP
    return _COMMANDS.get(said.rstrip(_TRAILING_PUNCTUATION).rstrip())


class Topic(Enum):
    CITIES = "cities"
    DATES = "dates"
    BOOKING = "booking"  # the flight being confirmed: where to, from where, when
    CAPABILITIES = "capabilities"  # what the bot can do


_QUESTION = re.compile(r"^(which|what|where|when|can|could|do|does|list|show|tell)\b|\?$")
_TOPICS = {
    Topic.CITIES: re.compile(
        r"\b(cit(y|ies)|airports?|destinations?)\b|\bwhere\b.*\b(fly|go|travel)\b"
    ),
    Topic.DATES: re.compile(r"\b(dates?|days?|when)\b"),
    Topic.BOOKING: re.compile(
        r"\bwhere (am|are|do|did) (i|we)\b|\bwhere (to|from)\b|\bwhen\b"
        r"|\bwhere\b.*\b(going|flying|travell?ing|headed|heading)\b"
        r"|\b(what|which) (date|day|city|airport|destination|origin)\b"
        r"|\b(my|the) (destination|origin|date|trip|booking)\b"
    ),
    Topic.CAPABILITIES: re.compile(
        r"\bwhat (can|do|else can) (you|u) do\b|\bwhat are (you|u) for\b"
        r"|\bhow (does|do) (this|it|you) work\b|\bwhat can i (ask|say|do)\b"
    ),
}


# A message that only says hello: `hi`, `Hello there!`, `good morning 👋`.
_GREETING = re.compile(
    r"^(h+i+|hello+|hey+|hiya|howdy|yo|hola|greetings|sup|what'?s up|wass?up"
    r"|(good )?(morning|afternoon|evening|day))"
    r"( (there|bot|all|everyone|folks|friend))?[\s.,!?👋🙂😊]*$"
)


def is_greeting(text: str) -> bool:
    """True for a message that is a greeting and nothing more."""
    return _GREETING.match(tidy(text).lower()) is not None


_MONTH_NAMES = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\b"
)
_DAY_NUMBER = re.compile(r"(?<![\d/.-])(\d{1,2})(?:st|nd|rd|th)?(?![\d/.-])")
_FIRST = re.compile(r"\b(first|1st|former|earlier|earliest|sooner)\b|^1$")
_SECOND = re.compile(r"\b(second|2nd|latter|later|latest|last|other)\b|^2$")
_MONTHS = tuple(name[:3].lower() for name in MONTHS)


def which_of_two_days(text: str, first: str, second: str) -> str | None:
    """Which of two days (`2028-03-06`, `2028-06-03`) an answer picks: by its month
    (`June 3rd`, `6 March`, `march`), its day (`the 6th`), or its place (`the first`,
    `the latter`); None when it picks neither or both."""
    said = tidy(text).lower().rstrip(_TRAILING_PUNCTUATION)
    months = {_MONTHS.index(name) + 1 for name in _MONTH_NAMES.findall(said)}
    numbers = {int(number) for number in _DAY_NUMBER.findall(said)}
    for picks in (
        lambda day: int(day[5:7]) in months,
        lambda day: int(day[8:]) in numbers,
    ):
        chosen = [day for day in (first, second) if picks(day)]
        if len(chosen) == 1:
            return chosen[0]
    by_place = [bool(_FIRST.search(said)), bool(_SECOND.search(said))]
    if by_place == [True, False]:
        return first
    if by_place == [False, True]:
        return second
    return None


def asks_about(text: str, topic: Topic) -> bool:
    """True for a question about the topic: `which cities can I fly to?`, `what dates can I
    pick?`. An answer that merely names it (`the day after tomorrow`) is not a question."""
    said = tidy(text).lower()
    # Questions about what the bot can do are questions however they are put.
    question = topic is Topic.CAPABILITIES or _QUESTION.search(said)
    return bool(question and _TOPICS[topic].search(said))


_YES_NO = ("yes", "yeah", "yep", "yup", "no", "nope", "nah", "sure", "okay")
# Answers to a yes-or-no question that recognizers-text does not read, and the choice numbers
# of `(1) Yes or (2) No`.
_ANSWERS = {
    **dict.fromkeys(("ya", "yah", "yea", "yass", "yas", "aye", "correct", "right"), True),
    **dict.fromkeys(("that's right", "thats right", "that's correct", "go ahead"), True),
    **dict.fromkeys(("book it", "do it", "confirm", "confirmed", "affirmative", "1"), True),
    **dict.fromkeys(("👍", "✅", "👌"), True),
    **dict.fromkeys(
        ("nah", "nay", "no thanks", "no thank you", "negative", "2", "👎", "❌"), False
    ),
}


_SWAP = re.compile(
    r"\b(the )?other way (round|around)\b|\bvice versa\b|\bthe reverse\b"
    r"|\b(swap|switch|reverse|flip)( (it|them|those|the (two )?cities|round|around))?$"
)


def asks_to_swap(text: str) -> bool:
    """True for `no, the other way round`, `swap them`, `vice versa`: the cities swapped."""
    return _SWAP.search(tidy(text).lower().rstrip(_TRAILING_PUNCTUATION)) is not None


# Words that take back what was just said: `to Paris, sorry, Berlin`, `from Seattle, I mean
# New York`, `March 3, actually make that March 5`.
_TAKING_BACK = frozenset(
    {
        "no",
        "wait",
        "sorry",
        "mean",
        "meant",
        "actually",
        "rather",
        "instead",
        "correction",
        "scratch",
        "oops",
    }
)


def takes_back(words: Sequence[str]) -> bool:
    """True when `words` (lower case) hold one that takes back what came before them."""
    return not _TAKING_BACK.isdisjoint(words) or any(
        word == "make" and after in ("it", "that") for word, after in pairwise(words)
    )


# A yes or no that takes itself back: `yes but make it the 6th`, `sure, but I meant Seattle`.
_SECOND_THOUGHTS = re.compile(
    r"\b(but|except|however|instead|actually|rather|wait|make (it|that)|change|switch"
    r"|different|wrong|meant|mean|not)\b"
)
# What a user says is wrong at the confirmation: `no, wrong date`, `change the city`.
_WRONG_FIELD = re.compile(
    r"\b(wrong|different|change|another|other|new|not the right)\b.*?\b(?:(?P<date>date|day)"
    r"|(?P<origin>origin|departure|starting point)|(?P<destination>city|destination|cities))\b"
)


def has_second_thoughts(text: str) -> bool:
    """True when an answer qualifies itself (`yes but ...`): no plain yes or no."""
    return _SECOND_THOUGHTS.search(tidy(text).lower()) is not None


def field_said_wrong(text: str) -> str | None:
    """The booking field the user says is wrong (`nope, wrong date` -> travel_date), or None."""
    found = _WRONG_FIELD.search(tidy(text).lower())
    if found is None:
        return None
    return "travel_date" if found["date"] else "origin" if found["origin"] else "destination"


def yes_or_no(text: str) -> bool | None:
    """True or False for an answer `_ANSWERS` knows (the whole message), else None."""
    said = tidy(text).lower().rstrip(_TRAILING_PUNCTUATION).strip()
    return _ANSWERS.get(said.replace("\ufe0f", ""))


def garbled_yes_or_no(text: str) -> bool:
    """True for a yes or a no typed wrong (`yse`, `noo`, `yess`): one edit from one, or a
    run of its letters. Such an answer is asked again, never taken as either."""
    said = tidy(text).lower().rstrip(_TRAILING_PUNCTUATION)
    if not said.isalpha() or said in _YES_NO:
        return False
    return any(
        OSA.distance(said, word, score_cutoff=1) <= 1 or set(said) == set(word) for word in _YES_NO
    )
