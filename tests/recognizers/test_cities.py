"""Which cities a message names, which is the origin and which the destination."""

import pytest

from helpers.luis_helper import booking_details, top_intent
from recognizers.embedded_recognizer import EmbeddedRecognizer


@pytest.fixture(scope="module")
def recognizer() -> EmbeddedRecognizer:
    return EmbeddedRecognizer.from_file()


@pytest.mark.parametrize(
    ("text", "destination", "origin", "unsupported"),
    [
        # typos and shorthand
        ("I want to fly to Berln from London tomorrow", "Berlin", "London", []),
        ("flight from pariss to seatlle", "Seattle", "Paris", []),
        ("book a flight to Lodnon", "London", None, []),
        ("fly from new yrok to paris", "Paris", "New York", []),
        ("yo can u book me a flight to nyc", "New York", None, []),
        ("going to NYC tmrw from LHR", "New York", "London", []),
        ("I need a flight to pairs", "Paris", None, []),
        ("flight form berlin to london", "London", "Berlin", []),
        # word order and role cues
        ("Origin: Paris, destination: Seattle, date: 2027-05-20", "Seattle", "Paris", []),
        ("departing Seattle, arriving London, tomorrow", "London", "Seattle", []),
        ("my destination is berlin", "Berlin", None, []),
        ("I'm in London and need to get to Berlin", "Berlin", "London", []),
        ("I'm currently in Paris, flying out next week", None, "Paris", []),
        ("leaving out of berlin for seattle", "Seattle", "Berlin", []),
        ("starting in Seattle, heading to Paris", "Paris", "Seattle", []),
        ("London to Paris", "Paris", "London", []),
        ("paris -> london tomorrow", "London", "Paris", []),
        ("✈️ paris → london tomorrow", "London", "Paris", []),
        ("CDG-TXL", "Berlin", "Paris", []),
        ("to berlin from seattle", "Berlin", "Seattle", []),
        ("berlin from seattle please", "Berlin", "Seattle", []),
        ("Berlin is my destination, I'm leaving from Paris", "Berlin", "Paris", []),
        ("Where to? Berlin. Where from? Paris.", "Berlin", "Paris", []),
        # roles not certain: asked for, never guessed
        ("a flight paris berlin", None, None, []),
        ("flights between Seattle and London", None, None, []),
        # unknown cities, in Title Case
        ("Dublin to Paris tomorrow please", "Paris", None, ["Dublin"]),
        ("Moscow to Berlin tomorrow", "Berlin", None, ["Moscow"]),
        ("book a flight to New Delhi from Paris", None, "Paris", ["New Delhi"]),
        ("fly to San francisco", None, None, ["San Francisco"]),
        ("fly from hong kong to london", "London", None, ["Hong Kong"]),
        ("a flight to mexico city", None, None, ["Mexico City"]),
        ("flying to cape town from berlin", None, "Berlin", ["Cape Town"]),
        ("fly to Sao Paulo", None, None, ["Sao Paulo"]),
        ("from Zurich to Rome", None, None, ["Rome", "Zurich"]),
        ("fly to Nice", None, None, ["Nice"]),
        ("fly to Springfieldia from Paris", None, "Paris", ["Springfieldia"]),
        # a country or state after a city says where the city is
        ("flight to Berlin, Germany", "Berlin", None, []),
        ("Paris, France to Berlin", "Berlin", "Paris", []),
        ("fly to Spain", None, None, ["Spain"]),
        # ordinary words are never airports
        ("I want to travle to Paris from Berlin", "Paris", "Berlin", []),
        ("Need to return to Paris from New York", "Paris", "New York", []),
        ("need a flight home to seattle tmrw", "Seattle", None, []),
        ("get me a nice flight to London", "London", None, []),
        # short names only in capitals or in a city's place; before `to` no misspelling
        ("book me a flight to paris pls, ta", "Paris", None, []),
        ("flite to seattle please", "Seattle", None, []),
        ("LA to Paris", "Paris", None, ["Los Angeles"]),
        ("fly from la to seattle", "Seattle", None, ["Los Angeles"]),
    ],
)
def test_cities_and_roles(
    recognizer: EmbeddedRecognizer,
    text: str,
    destination: str | None,
    origin: str | None,
    unsupported: list[str],
) -> None:
    details = booking_details(recognizer.recognize_text(text))

    assert (details.destination, details.origin) == (destination, origin)
    assert details.unsupported_airports == unsupported


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("book a hotel in Paris", "None"),
        ("book a table for two", "None"),
        ("book a train ticket from paris to london tomorrow", "None"),
        ("I need a taxi to JFK", "None"),
        ("can you order me an uber to heathrow", "None"),
        ("I'd like to upgrade my seat", "None"),
        ("rent a car in Seattle", "None"),
        ("my luggage is lost", "None"),
        ("what time is it in New York", "None"),
        ("I love Paris", "None"),
        ("Berlin", "None"),
        ("Paris to Berlin", "BookFlight"),
        ("paris tomorrow", "BookFlight"),
        ("flight and hotel to Paris", "BookFlight"),
        ("will it rain in london?", "GetWeather"),
        ("is it sunny in Madrid", "GetWeather"),
        ("whats the weathr in berln", "GetWeather"),
        ("never mind, I don't want to fly anymore", "Cancel"),
    ],
)
def test_what_is_a_flight(recognizer: EmbeddedRecognizer, text: str, intent: str) -> None:
    assert top_intent(recognizer.recognize_text(text)).value == intent


@pytest.mark.parametrize(
    ("text", "destination", "unsupported"),
    [
        ("fly to Brln", "Berlin", []),
        ("fly to Lndn", "London", []),
        ("fly to Bern", None, ["Bern"]),
        ("fly to Lyon", None, ["Lyon"]),
    ],
)
def test_an_unknown_word_two_edits_from_an_airport_in_a_citys_place(
    recognizer: EmbeddedRecognizer, text: str, destination: str | None, unsupported: list[str]
) -> None:
    details = booking_details(recognizer.recognize_text(text))

    assert (details.destination, details.unsupported_airports) == (destination, unsupported)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("fly to São Paulo", "São Paulo"),
        ("fly to sao paulo", "Sao Paulo"),
        ("fly to SAN FRANCISCO", "San Francisco"),
        ("fly to ZORGVILLE", "Zorgville"),
    ],
)
def test_unsupported_cities_are_named_as_written_in_title_case(
    recognizer: EmbeddedRecognizer, text: str, named: str
) -> None:
    assert booking_details(recognizer.recognize_text(text)).unsupported_airports == [named]
