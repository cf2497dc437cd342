"""The long tail of issue 26, by kind: days and years in words, holidays, role nouns, weather
beyond the usual words, and `berlin 2 paris`."""

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from helpers.datetime_helper import AS_OF
from helpers.luis_helper import booking_details, top_intent
from recognizers.embedded_recognizer import EmbeddedRecognizer
from recognizers.lexicon import lexicon
from tests.conftest import booking_of


@pytest.fixture(scope="module")
def recognizer() -> EmbeddedRecognizer:
    return EmbeddedRecognizer.from_file()


def read_booking(
    recognizer: EmbeddedRecognizer, text: str
) -> tuple[str, str | None, str | None, list[str]]:
    """Intent, destination, origin and the cities not served, as the bot takes them."""
    intent, destination, origin, _, unsupported = booking_of(recognizer.recognize_text(text))
    return intent, destination, origin, unsupported


@pytest.fixture
def on_a_known_day() -> Iterator[datetime]:
    """Noon on 2026-12-07, as the day the bot reads dates on and the day it books from."""
    as_of = AS_OF.set(date(2026, 12, 7))
    yield datetime(2026, 12, 7, 12)
    AS_OF.reset(as_of)


def test_a_day_in_words_is_read_where_it_was_typed() -> None:
    reading = lexicon().read("on the twelfth of May 2027")
    assert reading.meant == "on the 12th of may 2027"
    assert reading.typed_span(7, 11) == (7, 14)


@pytest.mark.parametrize("text", ["yes, London is right", "that's right"])
def test_right_is_no_weather_word(recognizer: EmbeddedRecognizer, text: str) -> None:
    assert top_intent(recognizer.recognize_text(text)).value != "GetWeather"


@pytest.mark.parametrize(
    ("text", "intent", "destination", "origin", "unsupported"),
    [
        ("landing airport: Paris", "BookFlight", "Paris", None, []),
        ("journey start: Berlin", "BookFlight", None, "Berlin", []),
        ("flight to Hay-on-Wye from London", "BookFlight", None, "London", ["Hay-on-Wye"]),
        (
            "fly from Stratford-upon-Avon to Paris",
            "BookFlight",
            "Paris",
            None,
            ["Stratford-upon-Avon"],
        ),
        ("Cancel the flight from London to Paris on 3 May 2027", "Cancel", None, None, []),
    ],
)
def test_labels_hyphenated_names_and_cancelling(
    recognizer: EmbeddedRecognizer,
    text: str,
    intent: str,
    destination: str | None,
    origin: str | None,
    unsupported: list[str],
) -> None:
    said, *booking = read_booking(recognizer, text)

    assert said == intent
    if intent == "BookFlight":
        assert booking == [destination, origin, unsupported]


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("on frb 28 2028", "on feb 28 2028"),
        ("rent a car 2 days in paris", "rent a car 2 days in paris"),
        ("sun 5 in paris", "sun 5 in paris"),
    ],
)
def test_a_month_typed_wrong_only_when_no_word(text: str, meant: str) -> None:
    assert lexicon().read(text).meant == meant


@pytest.mark.parametrize(
    ("text", "destination", "origin", "day"),
    [
        ("Flying out on June 10, 2027 - Seattle to Paris.", "Paris", "Seattle", "2027-06-10"),
        ("I'm in London and Seattle is where I need to fly", "Seattle", "London", None),
        ("Paris is where I fly from", None, "Paris", None),
        ("a flight to New York for the week of May 10, 2027", "New York", None, None),
        ("fly to paris sometime around june 3 2027", "Paris", None, None),
        ("DEP SEA ARR LHR 21MAY27", "London", "Seattle", "2027-05-21"),
        (
            "The end point of my trip is Paris, the starting point is Seattle",
            "Paris",
            "Seattle",
            None,
        ),
        (
            "Arrival = Berlin, Departure = Seattle, Date = 2027-06-15",
            "Berlin",
            "Seattle",
            "2027-06-15",
        ),
        ("to New York on the 1st of March next year", "New York", None, "2027-03-01"),
        ("flight to paris on xmas day 2027", "Paris", None, "2027-12-25"),
        (
            "Departure: Paris CDG / Arrival: London Heathrow / 20 June 2027",
            "London",
            "Paris",
            "2027-06-20",
        ),
        ("flight - departure city Berlin, arrival city TBD", None, "Berlin", None),
        (
            "Flying with the departure being Berlin and the arrival being New York",
            "New York",
            "Berlin",
            None,
        ),
    ],
)
def test_set_j_k_and_l_classes(
    recognizer: EmbeddedRecognizer,
    on_a_known_day: datetime,
    text: str,
    destination: str | None,
    origin: str | None,
    day: str | None,
) -> None:
    _, *booking, when, _ = booking_of(recognizer.recognize_text(text, on_a_known_day))

    assert (*booking, when) == (destination, origin, day)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("fly from paris to berlin on the twelfth of may 2027", "2027-05-12"),
        ("London to Seattle for May twenty-first 2027", "2027-05-21"),
        ("to paris on the thirty-first of December 2027", "2027-12-31"),
        ("to paris june the third 2028", "2028-06-03"),
        ("to paris on march fifteenth, 2028", "2028-03-15"),
        ("to paris on the eleventh of november twenty twenty-eight", "2028-11-11"),
        ("to paris on Christmas Day 2027", "2027-12-25"),
        ("to paris on new year's eve 2027", "2027-12-31"),
        ("to paris a week from tomorrow", "2026-12-15"),
        ("to paris 2 weeks from tomorrow", "2026-12-22"),
        ("to paris three days from tomorrow", "2026-12-11"),
        ("fly from ny to paris 8.21.2028", "2028-08-21"),
        ("fly to paris on 8/21/28", "2028-08-21"),
        ("1ADT LHR-CDG 14MAR28 OW", "2028-03-14"),
        ("i need a flight frm london to paris on frb 28 2028", "2028-02-28"),
        (
            "From London to New York on the thirtieth of June two thousand and twenty-eight",
            "2028-06-30",
        ),
        ("Paris to Berlin for the seventh of November two thousand twenty-nine", "2029-11-07"),
        ("London to Seattle on March thirteenth twenty twenty-eight", "2028-03-13"),
        ("New York to Berlin on Thanksgiving 2027", "2027-11-25"),
        ("Paris to London on Easter Sunday 2028", "2028-04-16"),
        ("Paris to London on Easter 2029", "2029-04-01"),
        (
            "from Seattle to New York on March 3, 2028, actually make that March 5, 2028",
            "2028-03-05",
        ),
        ("Berlin to London on April 8th 2027, sorry, April 9th 2027", "2027-04-09"),
        ("NYC to Seattle a couple of weeks from now", None),
        ("Fly me Berlin to London for St Patrick's Day 2027", "2027-03-17"),
        ("London to Berlin on Christmas Eve twenty twenty-seven", "2027-12-24"),
        ("london to paris the day after christmas 2027", "2027-12-26"),
        ("to paris the day before march 3 2027", "2027-03-02"),
        (
            "Good morning, I want to book a trip to New York from London on November 30, 2027",
            "2027-11-30",
        ),
        ("to New York from Seattle on the last day of February 2028", "2028-02-29"),
        ("to New York from Seattle on the first day of March 2028", "2028-03-01"),
        ("to new york from londn in like 6 days", "2026-12-13"),
        ("book the first flight to paris", None),
        ("second flight to berlin", None),
        ("a week in paris", None),
    ],
)
def test_days(
    recognizer: EmbeddedRecognizer, on_a_known_day: datetime, text: str, day: str | None
) -> None:
    assert booking_details(recognizer.recognize_text(text, on_a_known_day)).travel_date == day


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("lows in seattle tonight?", "GetWeather"),
        ("what are the highs in paris this week", "GetWeather"),
        ("what's the UV index in New York today", "GetWeather"),
        ("pollen count in london tomorrow?", "GetWeather"),
        ("is paris having a heat wave", "GetWeather"),
        ("will it hail in berlin", "GetWeather"),
        ("how humid is it in seattle", "GetWeather"),
        ("is it windy in london", "GetWeather"),
        ("How do I get from Heathrow to central London by tube?", "None"),
        ("nevermind", "Cancel"),
        ("nvm", "Cancel"),
        ("what's the high and low for paris today", "GetWeather"),
        ("what's the status of flight BA 117?", "None"),
        ("I want to leave on the 5th of may", "BookFlight"),
        ("hay fever levels in London today", "GetWeather"),
        ("blizzard warning nyc?", "GetWeather"),
        ("Can I change my seat?", "None"),
        ("I'd like to speak to a human please", "None"),
        ("I need to cancel my flight to Paris", "Cancel"),
        ("Please could you book me a seat from London to Berlin", "BookFlight"),
        ("Good evening. I would like to enquire about your opening hours.", "None"),
    ],
)
def test_intents(recognizer: EmbeddedRecognizer, text: str, intent: str) -> None:
    assert top_intent(recognizer.recognize_text(text)).value == intent


@pytest.mark.parametrize(
    ("text", "destination", "origin", "unsupported"),
    [
        ("The origin city is Paris.", None, "Paris", []),
        ("my departure city is london", None, "London", []),
        ("the departure city will be Seattle", None, "Seattle", []),
        ("my starting point is berlin and my end point is london", "London", "Berlin", []),
        (
            "Please set the destination to Berlin and the departure point to London",
            "Berlin",
            "London",
            [],
        ),
        ("starting city Paris, ending city London", "London", "Paris", []),
        ("departure location london, arrival location new york", "New York", "London", []),
        (
            "Destination airport: London Heathrow. Departure airport: Seattle.",
            "London",
            "Seattle",
            [],
        ),
        ("my home airport is Seattle and I want to go to Paris", "Paris", "Seattle", []),
        ("fly home to london", "London", None, []),
        ("plz book berlin 2 paris", "Paris", "Berlin", []),
        ("a flight from london to seattle, 2 ppl", "Seattle", "London", []),
        ("I'm trying to organise a trip from London to Seattle", "Seattle", "London", []),
        ("My trip ends in Paris and starts in London", "Paris", "London", []),
        ("Paris I'm leaving, London I'm going to", "London", "Paris", []),
        (
            "a flight with Seattle as the departure city and London as the arrival city",
            "London",
            "Seattle",
            [],
        ),
        ("JFK-SEA 02FEB28 1 pax pls bk", "Seattle", "New York", []),
        ("PAR-BER 10/02/28 1 pax", "Berlin", "Paris", []),
        (
            "I'm leaving from Seattle, I mean New York, and flying to London",
            "London",
            "New York",
            [],
        ),
        ("Right, so it's Berlin - no wait, Paris - from Seattle", "Paris", "Seattle", []),
        (
            "Can you make Paris my departure point and London my arrival point?",
            "London",
            "Paris",
            [],
        ),
        ("Book it with an origin of Paris and a destination of Seattle", "Seattle", "Paris", []),
        ("Take-off city is London, landing city is Paris.", "Paris", "London", []),
        ("Origin city for my flight: Paris", None, "Paris", []),
        ("Wellington to Paris", "Paris", None, ["Wellington"]),
        ("Nice to meet you, I'd like to fly to Paris", "Paris", None, []),
    ],
)
def test_roles(
    recognizer: EmbeddedRecognizer,
    text: str,
    destination: str | None,
    origin: str | None,
    unsupported: list[str],
) -> None:
    assert read_booking(recognizer, text) == ("BookFlight", destination, origin, unsupported)


@pytest.mark.parametrize(
    ("text", "destination", "origin"),
    [
        ("flite 2 londn on feb 28 2027", "London", None),
        ("berlin2london tmrw", "London", "Berlin"),
        (
            "New York is the final stop and I'm starting out in Paris, need a flight",
            "New York",
            "Paris",
        ),
        ("London is where I'll be flying out of. Berlin is where I'm going.", "Berlin", "London"),
        ("London's where I'm flying to, Seattle's where I'm leaving from", "London", "Seattle"),
        ("journey end: New York, journey start: Berlin", "New York", "Berlin"),
        ("Please set my origin as Berlin.", None, "Berlin"),
        ("My start airport is Berlin and the target airport is London.", "London", "Berlin"),
        (
            "my sister is getting married in London, book a flight from Seattle to London",
            "London",
            "Seattle",
        ),
        ("I work in Berlin and have a meeting in Paris, book Berlin to Paris", "Paris", "Berlin"),
        ("wanna fly lndn 2 nyc dec 3 2027", "New York", "London"),
        (
            "I need to go from Berlin to London - sorry, from New York to London",
            "London",
            "New York",
        ),
        ("The departure city is going to be Berlin and the arrival city Paris.", "Paris", "Berlin"),
        ("Flight - source: Berlin, target: Seattle", "Seattle", "Berlin"),
        ("Dep: LHR Arr: CDG 2028-04-11", "Paris", "London"),
        (
            "I'd like Berlin to be the destination and London the city of departure",
            "Berlin",
            "London",
        ),
        ("Make London the origin and Paris the destination, December 3 2027", "Paris", "London"),
        ("The journey kicks off in New York and finishes in Paris", "Paris", "New York"),
        ("Route: Berlin (origin) to Seattle (destination)", "Seattle", "Berlin"),
        (
            "Please set the destination to Berlin and the departure point to London",
            "Berlin",
            "London",
        ),
    ],
)
def test_roles_whatever_else_is_named(
    recognizer: EmbeddedRecognizer, text: str, destination: str | None, origin: str | None
) -> None:
    assert read_booking(recognizer, text)[:3] == ("BookFlight", destination, origin)


@pytest.mark.parametrize(
    ("text", "intent", "destination", "origin"),
    [
        ("Journey starts: Paris. Journey finishes: New York.", "BookFlight", "New York", "Paris"),
        (
            "my origin city's berlin n my destination city's london",
            "BookFlight",
            "London",
            "Berlin",
        ),
        ("wind chill in berlin today?", "GetWeather", None, None),
        ("Can I bring my dog on a flight?", "None", None, None),
        ("I lived in Seattle for five years, it's lovely", "None", None, None),
        ("Flying from London and Berlin's where I land", "BookFlight", "Berlin", "London"),
        (
            "For origin put London and for destination put New York",
            "BookFlight",
            "New York",
            "London",
        ),
        ("Origin city for this trip is Seattle", "BookFlight", None, "Seattle"),
        ("my destination's Berlin", "BookFlight", "Berlin", None),
        ("rainfall totals for Seattle this week?", "GetWeather", None, None),
        ("gonna need a brolly in london tmrw or nah?", "GetWeather", None, None),
    ],
)
def test_intent_and_roles(
    recognizer: EmbeddedRecognizer,
    text: str,
    intent: str,
    destination: str | None,
    origin: str | None,
) -> None:
    said, *booking = read_booking(recognizer, text)

    assert said == intent
    if intent == "BookFlight":
        assert booking[:2] == [destination, origin]
