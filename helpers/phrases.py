"""What a user types to interrupt a prompt: commands and questions about the prompt."""

import re
from enum import Enum

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


_QUESTION = re.compile(r"^(which|what|where|when|can|could|do|does|list|show|tell)\b|\?$")
_TOPICS = {
    Topic.CITIES: re.compile(
        r"\b(cit(y|ies)|airports?|destinations?)\b|\bwhere\b.*\b(fly|go|travel)\b"
    ),
    Topic.DATES: re.compile(r"\b(dates?|days?|when)\b"),
}


def asks_about(text: str, topic: Topic) -> bool:
    """True for a question about the topic: `which cities can I fly to?`, `what dates can I
    pick?`. An answer that merely names it (`the day after tomorrow`) is not a question."""
    said = tidy(text).lower()
    return bool(_QUESTION.search(said) and _TOPICS[topic].search(said))
