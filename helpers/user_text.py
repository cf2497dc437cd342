"""Limits and clean-up for text that comes from users and may be echoed back to them."""

import re
import unicodedata

# Longer messages never reach a recognizer or prompt: date recognition grows
# quadratically with length (10,000 digits take seconds).
MAX_MESSAGE_LENGTH = 1000
# The longest value (a city) the bot will repeat back.
MAX_ECHO_LENGTH = 100

# Cc: control characters; Cf: format characters, including zero-width spaces and joiners
# and the bidi embeddings, overrides and isolates; Cs: lone surrogates.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """`text` without invisible or control characters; whitespace becomes plain spaces."""
    if text.isprintable():  # no such characters, and no whitespace but plain spaces
        return text
    return "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in _INVISIBLE
    )


def tidy(value: str) -> str:
    """`value` cleaned, with single spaces and no leading or trailing space."""
    return _SPACES.sub(" ", clean(value)).strip()


def echo(value: str) -> str:
    """A value made safe to repeat to the user: tidied and at most 100 characters."""
    value = tidy(value)
    if len(value) > MAX_ECHO_LENGTH:
        return value[: MAX_ECHO_LENGTH - 1].rstrip() + "…"
    return value


def is_too_long(text: str | None) -> bool:
    return isinstance(text, str) and len(text) > MAX_MESSAGE_LENGTH
