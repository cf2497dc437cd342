"""Reading intents and booking details out of a LUIS-shaped result."""

import pytest

from helpers.luis_helper import Intent, booking_details, only_entities, top_intent, top_score
from recognizers.result import IntentScore, RecognizerResult
from tests.conftest import flight_result, luis_result


def test_top_intent_ranks_by_score_among_many() -> None:
    result = RecognizerResult(
        intents={
            "None": IntentScore(score=0.02),
            "BookFlight": IntentScore(score=0.91),
            "GetWeather": IntentScore(score=0.05),
            "Cancel": IntentScore(score=0.01),
        }
    )
    assert top_intent(result) is Intent.BOOK_FLIGHT


@pytest.mark.parametrize(
    ("intents", "expected"),
    [
        ({}, Intent.NONE_INTENT),
        ({"OrderPizza": IntentScore(score=0.9)}, Intent.NONE_INTENT),
        ({"GetWeather": IntentScore(score=0.7)}, Intent.GET_WEATHER),
    ],
)
def test_top_intent_of_odd_results(intents: dict[str, IntentScore], expected: Intent) -> None:
    assert top_intent(RecognizerResult(intents=intents)) is expected


@pytest.mark.parametrize(
    ("result", "destination", "origin", "unsupported"),
    [
        (flight_result("flight to madrid", to=("madrid", None)), None, None, ["Madrid"]),
        (
            flight_result(
                "flight from madrid to chicago", to=("chicago", None), origin=("madrid", None)
            ),
            None,
            None,
            ["Chicago", "Madrid"],
        ),
        (
            flight_result("flight from cdg to jfk", to=("jfk", "New York"), origin=("cdg", None)),
            "New York",
            None,
            ["Cdg"],
        ),
        (
            flight_result(
                "flight from paris to new york",
                to=("new york", "New York"),
                origin=("paris", "Paris"),
            ),
            "New York",
            "Paris",
            [],
        ),
        (luis_result("BookFlight", text="book a flight"), None, None, []),
    ],
    ids=["madrid", "madrid-chicago", "cdg-jfk", "paris-new-york", "nothing"],
)
def test_cities(
    result: RecognizerResult, destination: str | None, origin: str | None, unsupported: list[str]
) -> None:
    details = booking_details(result)
    assert (details.destination, details.origin) == (destination, origin)
    assert details.unsupported_airports == unsupported


@pytest.mark.parametrize(
    ("timex", "travel_date"),
    [("2055-05-05", "2055-05-05"), ("2055-05-05T10", "2055-05-05"), ("XXXX-05-05", "XXXX-05-05")],
)
def test_the_date_keeps_only_its_day(timex: str, travel_date: str) -> None:
    details = booking_details(flight_result("book a flight on a day", timex=timex))
    assert details.travel_date == travel_date


def mentions(*spans: tuple[int, int]) -> dict:
    return {"$instance": {"x": [{"startIndex": start, "endIndex": end} for start, end in spans]}}


@pytest.mark.parametrize(
    ("text", "spans", "only"),
    [
        ("Paris tomorrow", [(0, 5), (6, 14)], True),
        ("Paris, tomorrow!", [(0, 5), (7, 15)], True),
        ("to Paris tomorrow", [(3, 8), (9, 17)], False),
        ("what's the weather in Paris?", [(22, 27)], False),
        ("yes", [], False),
        ("", [], True),
    ],
)
def test_only_entities(text: str, spans: list[tuple[int, int]], only: bool) -> None:
    result = RecognizerResult(text=text, intents={}, entities=mentions(*spans))
    assert only_entities(result) is only


def test_top_score() -> None:
    scores = {"BookFlight": IntentScore(score=0.25), "None": IntentScore(score=0.75)}
    assert top_score(RecognizerResult(text="x", intents=scores)) == 0.75
    assert top_score(RecognizerResult(text="x", intents={})) == 0.0


@pytest.mark.parametrize(
    ("locale", "travel_date"),
    [("en-US", "2036-03-06"), ("en-GB", "2036-06-03"), (None, "2036-03-06|2036-06-03")],
)
def test_a_date_in_numbers_from_any_back_end_is_read_by_the_locale(
    locale: str | None, travel_date: str
) -> None:
    """LUIS (and CLU) read `3/6/2036` as March 6 whatever the locale; the bot reads the text
    its `$instance` gives, as the locale writes dates."""
    text = "fly to Paris on 3/6/2036"
    result = flight_result(text, to=("Paris", "Paris"), timex="2036-03-06")
    start = text.index("3/6/2036")
    mention = {"startIndex": start, "endIndex": start + 8, "text": "3/6/2036", "type": "date"}
    assert result.entities is not None
    result.entities["$instance"]["datetime"] = [mention]

    assert booking_details(result, locale).travel_date == travel_date
