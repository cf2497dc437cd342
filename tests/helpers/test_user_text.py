import unicodedata

import pytest

from helpers.user_text import clean, echo, is_too_long, tidy


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Paris", "Paris"),
        ("Par\u200bis", "Paris"),
        ("\u202eBerlin\u202c", "Berlin"),
        ("\u2066New\u2069 York", "New York"),
        ("bell\u0007\x00", "bell"),
        ("line\nbreak\ttab", "line break tab"),
        ("para\u2029graph", "para graph"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("\ufeffBOM", "BOM"),
        ("São Paulo", "São Paulo"),
        ("東京", "東京"),
    ],
)
def test_clean(text: str, cleaned: str) -> None:
    assert clean(text) == cleaned


def test_clean_by_the_rule_for_every_character() -> None:
    """Whitespace becomes a space; control, format and surrogate characters go; the rest
    stays. Checked in runs of 64 code points, through the shortcut for printable text and
    around it."""
    for start in range(0, 0x110000, 64):
        run = "".join(map(chr, range(start, start + 64)))
        expected = "".join(
            " " if char.isspace() else char
            for char in run
            if char.isspace() or unicodedata.category(char) not in {"Cc", "Cf", "Cs"}
        )
        assert clean(run) == expected, hex(start)


@pytest.mark.parametrize(
    ("value", "tidied"),
    [("  New   York ", "New York"), ("\u200b", ""), (" \t\n ", ""), ("a\u200b b", "a b")],
)
def test_tidy(value: str, tidied: str) -> None:
    assert tidy(value) == tidied


def test_echo_is_at_most_100_characters() -> None:
    assert echo("x" * 100) == "x" * 100
    assert echo("x" * 101) == "x" * 99 + "…"
    assert echo("word " * 50).endswith("word…")
    assert len(echo("word " * 50)) <= 100


@pytest.mark.parametrize(
    ("text", "too_long"), [(None, False), ("", False), ("x" * 1000, False), ("x" * 1001, True)]
)
def test_is_too_long(text: str | None, too_long: bool) -> None:
    assert is_too_long(text) is too_long
