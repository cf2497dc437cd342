"""Words read as meant: shorthand and misspellings of known words, arrows as `to`."""

import pytest

from recognizers.embedded_recognizer import EmbeddedRecognizer


@pytest.fixture(scope="module")
def recognizer() -> EmbeddedRecognizer:
    return EmbeddedRecognizer.from_file()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("flight from berlin to paris tomorow", "flight from berlin to paris tomorrow"),
        ("wanna fly paris to berlin tmrw", "want to fly paris to berlin tomorrow"),
        ("fly 2moro", "fly tomorrow"),
        ("the day after tommorow", "the day after tomorrow"),
        ("janury 15 2027", "january 15 2027"),
        ("febuary 3rd 2027", "february 3rd 2027"),
        ("next wensday", "next wednesday"),
        ("I want to travle to Berln", "i want to travel to berlin"),
        ("a fligth to lodnon", "a flight to london"),
        ("new yrok", "new york"),
        ("newyork", "new york"),
        ("whats the weathr", "what's the weather"),
        ("paris -> london", "paris to london"),
        ("paris → london", "paris to london"),
        ("Zürich", "zurich"),
    ],
)
def test_words_are_read_as_meant(recognizer: EmbeddedRecognizer, typed: str, meant: str) -> None:
    assert recognizer.read(typed).meant == meant


@pytest.mark.parametrize(
    "word",
    ["return", "home", "nice", "pairs", "sept", "tokio", "yes", "sea", "tom", "x7b"],
)
def test_english_words_places_and_short_words_stay(
    recognizer: EmbeddedRecognizer, word: str
) -> None:
    assert recognizer.read(word).meant == word


def test_a_date_found_in_the_corrected_text_points_at_what_was_typed(
    recognizer: EmbeddedRecognizer, tomorrow: str
) -> None:
    text = "fly to Paris tmrw please"

    result = recognizer.recognize_text(text)

    (mention,) = result.entities["$instance"]["datetime"]
    assert (mention["startIndex"], mention["endIndex"], mention["text"]) == (13, 17, "tmrw")
    assert result.entities["datetime"][0]["timex"] == [tomorrow]
