"""LUIS, against a local stand-in that answers like the LUIS v2 prediction API. Each build
has its own client (botbuilder-ai's on botbuilder, sdk/agents/luis.py on agents): both must
send the same request and make the same result of the same answer, so every expectation
here is a literal, the same for both."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import ClientSession, web

from config import ConfigError
from helpers.luis_helper import Intent, execute_luis_query
from sdk import Activity, TurnContext
from sdk.luis import LuisRecognizer
from tests.conftest import (
    EmulatorClient,
    RecordingProxy,
    StubConnector,
    booking_of,
    served,
    start_app_process,
    turn_context_of,
)

APP_ID = "8c7a2c41-91c9-4c4e-9f3a-2b1f0e6d5a10"
KEY = "0f4b1e9c-3d2a-4b5c-8e7f-6a5b4c3d2e1f"
QUERY = "book a flight from paris to tokyo on march 3rd 2027"

pytestmark = pytest.mark.usefixtures("no_proxy_settings")

# What LUIS v2 answers for QUERY with verbose=true (end indexes are inclusive in v2).
PREDICTION: dict[str, Any] = {
    "query": QUERY,
    "topScoringIntent": {"intent": "BookFlight", "score": 0.95},
    "intents": [
        {"intent": "BookFlight", "score": 0.95},
        {"intent": "None", "score": 0.03},
        {"intent": "GetWeather", "score": 0.01},
        {"intent": "Cancel", "score": 0.01},
    ],
    "entities": [
        {
            "entity": "paris",
            "type": "Airport",
            "startIndex": 19,
            "endIndex": 23,
            "resolution": {"values": ["Paris"]},
        },
        {"entity": "paris", "type": "From", "startIndex": 19, "endIndex": 23, "score": 0.92},
        {"entity": "tokyo", "type": "To", "startIndex": 28, "endIndex": 32, "score": 0.87},
        {
            "entity": "march 3rd 2027",
            "type": "builtin.datetimeV2.date",
            "startIndex": 37,
            "endIndex": 50,
            "resolution": {
                "values": [{"timex": "2027-03-03", "type": "date", "value": "2027-03-03"}]
            },
        },
    ],
    "compositeEntities": [
        {
            "parentType": "From",
            "value": "paris",
            "children": [{"type": "Airport", "value": "paris"}],
        },
        {"parentType": "To", "value": "tokyo", "children": []},
    ],
}


class LuisStandIn:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.mode = "answer"
        self.answer: Any = PREDICTION
        self.app = web.Application()
        self.app.router.add_post("/luis/v2.0/apps/{app_id:[^/]+}", self.predict)

    async def predict(self, request: web.Request) -> web.Response:
        self.requests.append(
            {
                "app_id": request.match_info["app_id"],
                "key": request.headers.get("Ocp-Apim-Subscription-Key"),
                "query": json.loads(await request.text()),
                "verbose": request.query.get("verbose"),
                "content_type": request.headers.get("Content-Type"),
            }
        )
        if self.mode == "hang":
            await asyncio.sleep(30)
        if self.mode == "error":
            return web.json_response({"error": {"code": "500"}}, status=500)
        if isinstance(self.answer, str):
            return web.Response(text=self.answer, content_type="application/json")
        return web.json_response(self.answer)


@pytest.fixture
async def luis() -> AsyncIterator[tuple[LuisStandIn, str]]:
    stand_in = LuisStandIn()
    async with served(stand_in.app) as server:
        yield stand_in, str(server.make_url("")).rstrip("/")


@asynccontextmanager
async def opened(recognizer: LuisRecognizer) -> AsyncIterator[LuisRecognizer]:
    """The recognizer between open() and close(), as the app's cleanup context holds it."""
    await recognizer.open()
    try:
        yield recognizer
    finally:
        await recognizer.close()


def turn(text: str) -> TurnContext:
    return turn_context_of(Activity(type="message", text=text))


async def test_a_prediction_in_luis_shape(luis: tuple[LuisStandIn, str]) -> None:
    stand_in, endpoint = luis

    async with opened(LuisRecognizer(APP_ID, KEY, endpoint)) as recognizer:
        result = await recognizer.recognize(turn(QUERY))

    assert stand_in.requests == [
        {
            "app_id": APP_ID,
            "key": KEY,
            "query": QUERY,
            "verbose": "true",
            "content_type": "application/json; charset=utf-8",
        }
    ]
    assert booking_of(result) == ("BookFlight", None, "Paris", "2027-03-03", ["Tokyo"])
    assert (result.text, result.altered_text, result.properties) == (QUERY, None, {})
    assert {name: intent.score for name, intent in result.intents.items()} == {
        "BookFlight": 0.95,
        "None": 0.03,
        "GetWeather": 0.01,
        "Cancel": 0.01,
    }
    assert result.entities == {
        "$instance": {
            "From": [
                {"startIndex": 19, "endIndex": 24, "text": "paris", "type": "From", "score": 0.92}
            ],
            "To": [
                {"startIndex": 28, "endIndex": 33, "text": "tokyo", "type": "To", "score": 0.87}
            ],
            "datetime": [
                {
                    "startIndex": 37,
                    "endIndex": 51,
                    "text": "march 3rd 2027",
                    "type": "builtin.datetimeV2.date",
                }
            ],
        },
        "From": [
            {
                "$instance": {
                    "Airport": [
                        {"startIndex": 19, "endIndex": 24, "text": "paris", "type": "Airport"}
                    ]
                },
                "Airport": [["Paris"]],
            }
        ],
        "To": [{"$instance": {}}],
        "datetime": [{"type": "date", "timex": ["2027-03-03"]}],
    }


def intents(*scored: tuple[str, float | None]) -> list[dict[str, Any]]:
    return [{"intent": name, "score": score} for name, score in scored]


Booking = tuple[str, str | None, str | None, str | None, list[str]]

# LUIS v2 answers to a message, and what the bot makes of each: the intents' scores, the
# entities, and the booking read from them (intent, destination, origin, date, unsupported).
MAPPINGS: list[tuple[str, dict[str, Any], dict[str, float], dict[str, Any], Booking]] = [
    (
        "cancel that",
        {
            "topScoringIntent": {"intent": "Cancel", "score": 0.71},
            "intents": intents(
                ("Cancel", 0.71), ("Utilities.Stop", 0.2), ("Book Flight", 0.05), ("None", None)
            ),
            "entities": [],
        },
        {"Cancel": 0.71, "Utilities_Stop": 0.2, "Book_Flight": 0.05, "None": 0.0},
        {"$instance": {}},
        ("Cancel", None, None, None, []),
    ),
    (
        "what's the weather",
        {"topScoringIntent": {"intent": "GetWeather", "score": 0.88}, "entities": []},
        {"GetWeather": 0.88},
        {"$instance": {}},
        ("GetWeather", None, None, None, []),
    ),
    (
        "fly to tokyo",
        {
            "intents": intents(("BookFlight", 0.9)),
            "entities": [
                {"entity": "tokyo", "type": "To", "startIndex": 7, "endIndex": 11, "score": 0.91},
                {
                    "entity": "tokyo",
                    "type": "builtin.geographyV2.city",
                    "startIndex": 7,
                    "endIndex": 11,
                },
            ],
            "compositeEntities": [
                {
                    "parentType": "To",
                    "value": "tokyo",
                    "children": [{"type": "builtin.geographyV2.city", "value": "tokyo"}],
                }
            ],
        },
        {"BookFlight": 0.9},
        {
            "$instance": {
                "To": [
                    {"startIndex": 7, "endIndex": 12, "text": "tokyo", "type": "To", "score": 0.91}
                ]
            },
            "To": [
                {
                    "$instance": {
                        "geographyV2_city": [
                            {
                                "startIndex": 7,
                                "endIndex": 12,
                                "text": "tokyo",
                                "type": "builtin.geographyV2.city",
                            }
                        ]
                    },
                    "geographyV2_city": ["tokyo"],
                }
            ],
        },
        ("BookFlight", None, None, None, ["Tokyo"]),
    ),
    (
        "march 3rd or next week",
        {
            "intents": intents(("BookFlight", 0.6)),
            "entities": [
                {
                    "entity": "march 3rd",
                    "type": "builtin.datetimeV2.date",
                    "startIndex": 0,
                    "endIndex": 8,
                    "resolution": {
                        "values": [
                            {"timex": "XXXX-03-03", "type": "date", "value": "2026-03-03"},
                            {"timex": "XXXX-03-03", "type": "date", "value": "2027-03-03"},
                        ]
                    },
                },
                {
                    "entity": "next week",
                    "type": "builtin.datetimeV2.daterange",
                    "startIndex": 13,
                    "endIndex": 21,
                    "resolution": {
                        "values": [
                            {
                                "timex": "2027-W10",
                                "type": "daterange",
                                "start": "2027-03-08",
                                "end": "2027-03-15",
                            }
                        ]
                    },
                },
            ],
        },
        {"BookFlight": 0.6},
        {
            "$instance": {
                "datetime": [
                    {
                        "startIndex": 0,
                        "endIndex": 9,
                        "text": "march 3rd",
                        "type": "builtin.datetimeV2.date",
                    },
                    {
                        "startIndex": 13,
                        "endIndex": 22,
                        "text": "next week",
                        "type": "builtin.datetimeV2.daterange",
                    },
                ]
            },
            "datetime": [
                {"type": "date", "timex": ["XXXX-03-03"]},
                {"type": "daterange", "timex": ["2027-W10"]},
            ],
        },
        ("BookFlight", None, None, None, []),
    ),
    (
        # From without an Airport; To named, but its own entity missing: LuisUtil drops
        # that composite, and the Airport in it stands alone.
        "from paris to berlin",
        {
            "intents": intents(("BookFlight", 0.8)),
            "entities": [
                {"entity": "paris", "type": "From", "startIndex": 5, "endIndex": 9, "score": 0.7},
                {
                    "entity": "berlin",
                    "type": "Airport",
                    "startIndex": 14,
                    "endIndex": 19,
                    "resolution": {"values": ["Berlin"]},
                },
            ],
            "compositeEntities": [
                {"parentType": "From", "value": "paris", "children": []},
                {
                    "parentType": "To",
                    "value": "berlin",
                    "children": [{"type": "Airport", "value": "berlin"}],
                },
            ],
        },
        {"BookFlight": 0.8},
        {
            "$instance": {
                "From": [
                    {"startIndex": 5, "endIndex": 10, "text": "paris", "type": "From", "score": 0.7}
                ],
                "Airport": [
                    {"startIndex": 14, "endIndex": 20, "text": "berlin", "type": "Airport"}
                ],
            },
            "From": [{"$instance": {}}],
            "Airport": [["Berlin"]],
        },
        ("BookFlight", None, None, None, ["Paris"]),
    ),
    (
        # The same Airport twice goes into From once; each composite takes what lies within it.
        "from paris to paris",
        {
            "intents": intents(("BookFlight", 0.8)),
            "entities": [
                *[
                    {
                        "entity": "paris",
                        "type": "Airport",
                        "startIndex": 5,
                        "endIndex": 9,
                        "resolution": {"values": ["Paris"]},
                    }
                ]
                * 2,
                {"entity": "paris", "type": "From", "startIndex": 5, "endIndex": 9, "score": 0.9},
                {
                    "entity": "paris",
                    "type": "Airport",
                    "startIndex": 14,
                    "endIndex": 18,
                    "resolution": {"values": ["Paris"]},
                },
                {"entity": "paris", "type": "To", "startIndex": 14, "endIndex": 18, "score": 0.6},
            ],
            "compositeEntities": [
                {
                    "parentType": "From",
                    "value": "paris",
                    "children": [{"type": "Airport", "value": "paris"}],
                },
                {
                    "parentType": "To",
                    "value": "paris",
                    "children": [{"type": "Airport", "value": "paris"}],
                },
            ],
        },
        {"BookFlight": 0.8},
        {
            "$instance": {
                "From": [
                    {"startIndex": 5, "endIndex": 10, "text": "paris", "type": "From", "score": 0.9}
                ],
                "To": [
                    {"startIndex": 14, "endIndex": 19, "text": "paris", "type": "To", "score": 0.6}
                ],
            },
            "From": [
                {
                    "$instance": {
                        "Airport": [
                            {"startIndex": 5, "endIndex": 10, "text": "paris", "type": "Airport"}
                        ]
                    },
                    "Airport": [["Paris"]],
                }
            ],
            "To": [
                {
                    "$instance": {
                        "Airport": [
                            {"startIndex": 14, "endIndex": 19, "text": "paris", "type": "Airport"}
                        ]
                    },
                    "Airport": [["Paris"]],
                }
            ],
        },
        ("BookFlight", "Paris", "Paris", None, []),
    ),
    (
        "2 seats at 50% off for $10.50 to seattle, mail me@example.com",
        {
            "intents": intents(("None", 0.5)),
            "entities": [
                {
                    "entity": "2",
                    "type": "builtin.number",
                    "startIndex": 0,
                    "endIndex": 0,
                    "resolution": {"subtype": "integer", "value": "2"},
                },
                {
                    "entity": "seats",
                    "type": "Seat",
                    "startIndex": 2,
                    "endIndex": 6,
                    "score": 0.42,
                },
                {
                    "entity": "50%",
                    "type": "builtin.percentage",
                    "startIndex": 11,
                    "endIndex": 13,
                    "resolution": {"value": "50%"},
                },
                {
                    "entity": "$10.50",
                    "type": "builtin.currency",
                    "startIndex": 23,
                    "endIndex": 28,
                    "resolution": {"unit": "Dollar", "value": "10.5"},
                },
                {
                    "entity": "seattle",
                    "type": "builtin.geographyV2.city",
                    "startIndex": 33,
                    "endIndex": 39,
                    "role": "Destination",
                },
                {
                    "entity": "me@example.com",
                    "type": "builtin.email",
                    "startIndex": 47,
                    "endIndex": 60,
                    "resolution": {"value": "me@example.com"},
                },
            ],
        },
        {"None": 0.5},
        {
            "$instance": {
                "number": [
                    {
                        "startIndex": 0,
                        "endIndex": 1,
                        "text": "2",
                        "type": "builtin.number",
                        "subtype": "integer",
                    }
                ],
                "Seat": [
                    {"startIndex": 2, "endIndex": 7, "text": "seats", "type": "Seat", "score": 0.42}
                ],
                "percentage": [
                    {"startIndex": 11, "endIndex": 14, "text": "50%", "type": "builtin.percentage"}
                ],
                "money": [
                    {"startIndex": 23, "endIndex": 29, "text": "$10.50", "type": "builtin.currency"}
                ],
                "Destination": [
                    {
                        "startIndex": 33,
                        "endIndex": 40,
                        "text": "seattle",
                        "type": "builtin.geographyV2.city",
                    }
                ],
                "email": [
                    {
                        "startIndex": 47,
                        "endIndex": 61,
                        "text": "me@example.com",
                        "type": "builtin.email",
                    }
                ],
            },
            "number": [2],
            "Seat": ["seats"],
            "percentage": [50],
            "money": [{"number": 10.5, "units": "Dollar"}],
            "Destination": ["seattle"],
            "email": ["me@example.com"],
        },
        ("None", None, None, None, []),
    ),
]


@pytest.mark.parametrize(
    ("query", "answer", "scores", "entities", "booking"),
    MAPPINGS,
    ids=[
        "several-intents",
        "top-intent-only",
        "unsupported-city-as-geographyV2",
        "dates",
        "composites-without-an-airport",
        "a-repeated-airport",
        "prebuilt-entities-and-a-role",
    ],
)
async def test_an_answer_in_luis_shape(
    luis: tuple[LuisStandIn, str],
    query: str,
    answer: dict[str, Any],
    scores: dict[str, float],
    entities: dict[str, Any],
    booking: Booking,
) -> None:
    stand_in, endpoint = luis
    stand_in.answer = {"query": query, **answer}

    async with opened(LuisRecognizer(APP_ID, KEY, endpoint)) as recognizer:
        result = await recognizer.recognize(turn(query))

    assert {name: intent.score for name, intent in result.intents.items()} == scores
    assert result.entities == entities
    # And of the same kinds: a whole number stays whole (2, not 2.0), as LuisUtil reads it.
    assert json.dumps(result.entities, sort_keys=True) == json.dumps(entities, sort_keys=True)
    assert booking_of(result) == booking


@pytest.mark.parametrize(
    ("mode", "answer"),
    [
        ("error", PREDICTION),
        ("hang", PREDICTION),
        ("answer", "<html>not json</html>"),
        ("answer", {"query": QUERY, "intents": intents(("BookFlight", 0.9))}),
        ("answer", {**PREDICTION, "entities": {"entity": "paris"}}),
        ("answer", {**PREDICTION, "intents": [{"intent": "BookFlight", "score": "high"}]}),
        (
            "answer",
            {**PREDICTION, "entities": [{"entity": "paris", "type": "Airport", "startIndex": 19}]},
        ),
    ],
    ids=[
        "http-500",
        "no-answer",
        "not-json",
        "no-entities",
        "entities-not-a-list",
        "a-score-not-a-number",
        "an-entity-without-its-end",
    ],
)
async def test_a_failing_luis_means_not_understood(
    luis: tuple[LuisStandIn, str], mode: str, answer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    stand_in, endpoint = luis
    stand_in.mode, stand_in.answer = mode, answer

    async with opened(LuisRecognizer(APP_ID, KEY, endpoint, timeout=0.5)) as recognizer:
        intent, details = await execute_luis_query(recognizer, turn(QUERY))

    assert (intent, details) == (Intent.NONE_INTENT, None)
    assert caplog.text.count("The recognizer failed") == 1


async def test_a_host_with_a_trailing_slash_is_the_same_endpoint(
    luis: tuple[LuisStandIn, str],
) -> None:
    stand_in, endpoint = luis

    async with opened(LuisRecognizer(APP_ID, KEY, f"{endpoint}/")) as recognizer:
        result = await recognizer.recognize(turn(QUERY))

    assert [request["app_id"] for request in stand_in.requests] == [APP_ID]
    assert booking_of(result) == ("BookFlight", None, "Paris", "2027-03-03", ["Tokyo"])


async def test_ids_are_read_in_any_form_a_guid_takes(luis: tuple[LuisStandIn, str]) -> None:
    stand_in, endpoint = luis
    app_id = "{" + APP_ID.upper() + "}"
    key = KEY.replace("-", "")

    async with opened(LuisRecognizer(app_id, key, endpoint)) as recognizer:
        await recognizer.recognize(turn(QUERY))

    assert [(request["app_id"], request["key"]) for request in stand_in.requests] == [(app_id, key)]


@pytest.mark.parametrize(
    ("app_id", "key", "host", "message"),
    [
        (
            "my-app",
            KEY,
            "westus.api.cognitive.microsoft.com",
            'LuisAppId must be a LUIS application id (a GUID), got "my-app"',
        ),
        (
            APP_ID,
            "my secret key",
            "westus.api.cognitive.microsoft.com",
            "LuisAPIKey must be a LUIS subscription key (a GUID); it is not one",
        ),
        (
            APP_ID,
            KEY,
            "http://[::1",
            'LuisAPIHostName is not a valid LUIS endpoint: "http://[::1"',
        ),
        (APP_ID, KEY, "[::1", 'LuisAPIHostName is not a valid LUIS endpoint: "https://[::1"'),
    ],
    ids=["app-id", "key", "endpoint", "host"],
)
def test_malformed_settings_are_named_and_the_key_never_shown(
    app_id: str, key: str, host: str, message: str
) -> None:
    """As botbuilder-ai's LuisApplication checks them; its messages showed the key."""
    with pytest.raises(ConfigError) as raised:
        LuisRecognizer(app_id, key, host)

    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("no_proxy", "through_the_proxy"), [("", True), ("127.0.0.1", False)], ids=["proxy", "no-proxy"]
)
async def test_the_environments_proxy_is_used(
    luis: tuple[LuisStandIn, str],
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
    no_proxy: str,
    through_the_proxy: bool,
) -> None:
    stand_in, endpoint = luis
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", no_proxy)

    async with opened(LuisRecognizer(APP_ID, KEY, endpoint)) as recognizer:
        result = await recognizer.recognize(turn(QUERY))

    assert booking_of(result) == ("BookFlight", None, "Paris", "2027-03-03", ["Tokyo"])
    assert len(stand_in.requests) == 1
    assert proxy.request_lines() == (
        [f"POST {endpoint}/luis/v2.0/apps/{APP_ID}?verbose=true HTTP/1.1"]
        if through_the_proxy
        else []
    )


async def test_the_bot_on_luis_needs_no_pkg_resources(
    luis: tuple[LuisStandIn, str],
    without_pkg_resources: dict[str, str],
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
) -> None:
    stand_in, endpoint = luis
    stub, service_url = connector
    environ = {
        **without_pkg_resources,
        "RECOGNIZER": "luis",
        "LuisAppId": APP_ID,
        "LuisAPIKey": KEY,
        "LuisAPIHostName": endpoint,
    }
    app = await start_app_process(environ, http_session)
    try:
        emulator = EmulatorClient(http_session, app.url, stub, service_url)
        await emulator.join()
        assert await emulator.say(QUERY) == [
            "Sorry but the following airports are not supported: Tokyo",
            "Where would you like to travel to?",
        ]
    finally:
        log = await app.stop()
    assert [request["query"] for request in stand_in.requests] == [QUERY]
    assert b"Traceback" not in log, log.decode(errors="replace")
