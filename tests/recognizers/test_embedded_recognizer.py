"""The embedded recognizer understands flight requests with no cloud, in LUIS's shape."""

import json
from datetime import date
from pathlib import Path

import pytest

from benchmarks.nlu import evaluate, held_out_sets, load_set
from helpers.luis_helper import Intent, booking_details, top_intent
from recognizers.embedded_recognizer import MODEL_FILE, EmbeddedRecognizer
from recognizers.language_model import LanguageModel
from recognizers.recent import Recent, RememberedWhenShort
from sdk import Activity, TurnContext
from tests.conftest import turn_context_of


@pytest.fixture(scope="module")
def recognizer() -> EmbeddedRecognizer:
    return EmbeddedRecognizer.from_file()


@pytest.mark.parametrize("path", held_out_sets(), ids=lambda path: path.name)
def test_held_out_accuracy_floor(recognizer: EmbeddedRecognizer, path: Path) -> None:
    """Intent accuracy and entity exact-match 99% in every kind of message of every held-out
    set, and no value the user did not give."""
    report = evaluate(recognizer, load_set(path))

    assert report.overall.total >= 200
    for kind, tally in report.kinds.items():
        assert tally.intent_accuracy >= 0.99, (kind, report.misses)
        assert tally.entity_accuracy >= 0.99, (kind, report.misses)
    assert report.wrong_values == 0, report.misses


def test_there_are_held_out_sets_of_every_kind() -> None:
    kinds = {row.get("kind") for path in held_out_sets() for row in load_set(path)}

    assert {"plain", "informal", "typos", "word_order", "dates", "unknown_cities"} <= kinds
    assert {"weather", "other"} <= kinds


@pytest.mark.parametrize(
    ("text", "intent", "destination", "origin", "unsupported"),
    [
        ("book a flight from berlin to seattle", "BookFlight", "Seattle", "Berlin", []),
        ("to Seattle from London", "BookFlight", "Seattle", "London", []),
        ("BOOK A FLIGHT FROM PARIS TO BERLIN", "BookFlight", "Berlin", "Paris", []),
        ("book, a flight: from paris... to berlin!?", "BookFlight", "Berlin", "Paris", []),
        ("please can you book a flight to london", "BookFlight", "London", None, []),
        ("fly from cdg to jfk", "BookFlight", "New York", "Paris", []),
        ("fly from lhr to txl", "BookFlight", "Berlin", "London", []),
        ("a flight from new york to seattle", "BookFlight", "Seattle", "New York", []),
        ("fly to tokyo", "BookFlight", None, None, ["Tokyo"]),
        ("book a flight from madrid", "BookFlight", None, None, ["Madrid"]),
        ("fly from madrid to chicago", "BookFlight", None, None, ["Chicago", "Madrid"]),
        ("fly from rio de janeiro to paris", "BookFlight", "Paris", None, ["Rio de Janeiro"]),
        ("will it rain in london?", "GetWeather", None, None, []),
        ("what's the weather in Paris", "GetWeather", None, None, []),
        ("order a pizza", "None", None, None, []),
        ("cancel that", "Cancel", None, None, []),
    ],
)
def test_paraphrases(
    recognizer: EmbeddedRecognizer,
    text: str,
    intent: str,
    destination: str | None,
    origin: str | None,
    unsupported: list[str],
) -> None:
    result = recognizer.recognize_text(text)

    assert top_intent(result).value == intent
    if intent == "BookFlight":
        details = booking_details(result)
        assert (details.destination, details.origin) == (destination, origin)
        assert details.unsupported_airports == unsupported


@pytest.mark.parametrize(
    ("text", "timex"),
    [
        ("fly to paris on march 3rd 2027", "2027-03-03"),
        ("fly to paris on friday", "XXXX-WXX-5"),
        ("fly to paris on may 5th", "XXXX-05-05"),
    ],
)
def test_dates_in_the_sentence(recognizer: EmbeddedRecognizer, text: str, timex: str) -> None:
    assert booking_details(recognizer.recognize_text(text)).travel_date == timex


def test_tomorrow_is_the_servers_tomorrow(recognizer: EmbeddedRecognizer, tomorrow: str) -> None:
    details = booking_details(recognizer.recognize_text("fly to paris tomorrow"))
    assert details.travel_date == tomorrow


def test_the_result_has_luis_shape(recognizer: EmbeddedRecognizer) -> None:
    text = "Book a flight from Paris to Tokyo on march 3rd 2027"

    result = recognizer.recognize_text(text)

    assert result.text == text
    assert set(result.intents) == {"BookFlight", "Cancel", "GetWeather", "None"}
    assert abs(sum(score.score for score in result.intents.values()) - 1) < 1e-9
    entities = result.entities
    instance = entities["$instance"]
    assert instance["From"] == [
        {"startIndex": 19, "endIndex": 24, "text": "Paris", "type": "From", "score": 1.0}
    ]
    assert entities["From"] == [
        {
            "$instance": {
                "Airport": [
                    {
                        "startIndex": 19,
                        "endIndex": 24,
                        "text": "Paris",
                        "type": "Airport",
                        "score": 1.0,
                    }
                ]
            },
            "Airport": [["Paris"]],
        }
    ]
    assert instance["To"] == [
        {"startIndex": 28, "endIndex": 33, "text": "Tokyo", "type": "To", "score": 1.0}
    ]
    tokyo = {"startIndex": 28, "endIndex": 33, "text": "Tokyo", "type": "geographyV2", "score": 1.0}
    assert entities["To"] == [
        {"$instance": {"geographyV2": [tokyo]}, "geographyV2": [{"value": "Tokyo", "type": "city"}]}
    ]
    assert instance["geographyV2"] == [tokyo]
    assert entities["datetime"] == [{"timex": ["2027-03-03"], "type": "date"}]
    (date,) = instance["datetime"]
    assert text[date["startIndex"] : date["endIndex"]] == date["text"] == "march 3rd 2027"


def test_it_is_deterministic(recognizer: EmbeddedRecognizer) -> None:
    first = recognizer.recognize_text("book a flight from berlin to seattle")
    second = EmbeddedRecognizer.from_file().recognize_text("book a flight from berlin to seattle")

    assert {k: v.score for k, v in first.intents.items()} == {
        k: v.score for k, v in second.intents.items()
    }
    assert first.entities == second.entities


def test_the_data_file_decides_what_is_understood(tmp_path: Path) -> None:
    app = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    before = EmbeddedRecognizer.from_file()
    assert booking_details(before.recognize_text("fly to biggin hill")).destination is None
    assert top_intent(before.recognize_text("whisk me away")) is Intent.NONE_INTENT
    assert top_intent(before.recognize_text("book a gondola to paris")) is Intent.BOOK_FLIGHT

    (london,) = [
        sub for sub in app["closedLists"][0]["subLists"] if sub["canonicalForm"] == "London"
    ]
    london["list"].append("biggin hill")
    app["utterances"].append({"text": "whisk me away", "intent": "BookFlight", "entities": []})
    (other_services,) = [f for f in app["model_features"] if f["name"] == "OtherServices"]
    other_services["words"] += ",gondola"
    edited = tmp_path / "FlightBooking.json"
    edited.write_text(json.dumps(app), encoding="utf-8")
    after = EmbeddedRecognizer.from_file(edited)

    assert booking_details(after.recognize_text("fly to biggin hill")).destination == "London"
    assert top_intent(after.recognize_text("whisk me away please")) is Intent.BOOK_FLIGHT
    assert top_intent(after.recognize_text("book a gondola to paris")) is Intent.NONE_INTENT


def turn(text: str) -> TurnContext:
    return turn_context_of(Activity(type="message", text=text))


async def test_a_text_read_before_on_the_same_day_is_not_read_again() -> None:
    days = iter([date(2026, 11, 28), date(2026, 11, 28), date(2026, 11, 29)])
    recognizer = EmbeddedRecognizer(
        LanguageModel.load(MODEL_FILE), remember=10, today=lambda: next(days)
    )

    first = await recognizer.recognize(turn("fly to Paris tomorrow"))
    again = await recognizer.recognize(turn("fly to Paris tomorrow"))
    next_day = await recognizer.recognize(turn("fly to Paris tomorrow"))

    assert again is first
    assert next_day is not first
    assert booking_details(first).destination == "Paris"


@pytest.mark.parametrize(
    ("remember", "text"),
    [(10, "fly to Paris tomorrow at 5pm"), (0, "fly to Paris")],
    ids=["a time of day", "nothing remembered"],
)
async def test_a_result_that_depends_on_the_time_or_the_setting_is_read_afresh(
    remember: int, text: str
) -> None:
    recognizer = EmbeddedRecognizer.from_file(remember=remember)

    first = await recognizer.recognize(turn(text))
    again = await recognizer.recognize(turn(text))

    assert again is not first
    assert top_intent(again) is top_intent(first) is Intent.BOOK_FLIGHT


async def test_a_result_too_big_to_keep_cheaply_is_not_kept() -> None:
    recognizer = EmbeddedRecognizer.from_file(remember=10)
    places = " ".join(["Paris London Berlin Rome Tokyo Madrid"] * 25)  # 100 cities

    first = await recognizer.recognize(turn(f"fly {places}"))
    again = await recognizer.recognize(turn(f"fly {places}"))

    assert again is not first


def test_what_is_kept_is_bounded_in_bytes_as_well_as_in_number() -> None:
    recent: Recent[str, str] = Recent(1000, max_bytes=10_000, max_entry_bytes=2_000)
    for n in range(100):
        recent.put(f"text {n}", "result", 1_000)
    recent.put("too big", "result", 2_001)

    assert (len(recent), recent.bytes) == (10, 10_000)
    assert recent.get("text 99") == "result"
    assert recent.get("text 89") is None
    assert recent.get("too big") is None


def test_a_reading_is_remembered_only_for_a_short_text() -> None:
    calls: list[str] = []

    def read(text: str) -> str:
        calls.append(text)
        return text.upper()

    remembered = RememberedWhenShort(read, size=10, longest=5)
    for text in ("paris", "paris", "a" * 6, "a" * 6):
        assert remembered(text) == text.upper()

    assert calls == ["paris", "a" * 6, "a" * 6]
