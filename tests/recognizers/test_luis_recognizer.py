"""LUIS, against a local stand-in that answers like the LUIS v2 prediction API."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession, web

from helpers.luis_helper import Intent, execute_luis_query
from sdk import Activity, TurnContext
from sdk.luis import LuisRecognizer
from tests.conftest import (
    EmulatorClient,
    StubConnector,
    booking_of,
    served,
    start_app_process,
    turn_context_of,
)

APP_ID = "8c7a2c41-91c9-4c4e-9f3a-2b1f0e6d5a10"
KEY = "0f4b1e9c-3d2a-4b5c-8e7f-6a5b4c3d2e1f"
QUERY = "book a flight from paris to tokyo on march 3rd 2027"

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
        self.app = web.Application()
        self.app.router.add_post("/luis/v2.0/apps/{app_id}", self.predict)

    async def predict(self, request: web.Request) -> web.Response:
        self.requests.append(
            {
                "app_id": request.match_info["app_id"],
                "key": request.headers.get("Ocp-Apim-Subscription-Key"),
                "query": json.loads(await request.text()),
                "verbose": request.query.get("verbose"),
            }
        )
        if self.mode == "hang":
            await asyncio.sleep(30)
        if self.mode == "error":
            return web.json_response({"error": {"code": "500"}}, status=500)
        return web.json_response(PREDICTION)


@pytest.fixture
async def luis() -> AsyncIterator[tuple[LuisStandIn, str]]:
    stand_in = LuisStandIn()
    async with served(stand_in.app) as server:
        yield stand_in, str(server.make_url("")).rstrip("/")


def turn(text: str) -> TurnContext:
    return turn_context_of(Activity(type="message", text=text))


async def test_a_prediction_in_luis_shape(luis: tuple[LuisStandIn, str]) -> None:
    stand_in, endpoint = luis
    recognizer = LuisRecognizer(APP_ID, KEY, endpoint)

    result = await recognizer.recognize(turn(QUERY))

    assert stand_in.requests == [{"app_id": APP_ID, "key": KEY, "query": QUERY, "verbose": "true"}]
    assert booking_of(result) == ("BookFlight", None, "Paris", "2027-03-03", ["Tokyo"])


@pytest.mark.parametrize("mode", ["error", "hang"])
async def test_a_failing_luis_means_not_understood(
    luis: tuple[LuisStandIn, str], mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    stand_in, endpoint = luis
    stand_in.mode = mode
    recognizer = LuisRecognizer(APP_ID, KEY, endpoint, timeout=0.5)

    intent, details = await execute_luis_query(recognizer, turn(QUERY))

    assert (intent, details) == (Intent.NONE_INTENT, None)
    assert caplog.text.count("The recognizer failed") == 1


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
