"""CLU, against a local stand-in that speaks the analyze-conversations REST API."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from config import ConfigError, DefaultConfig
from helpers.luis_helper import Intent, execute_luis_query, top_intent
from recognizers.clu_recognizer import CluRecognizer
from sdk import Activity, TurnContext
from tests.conftest import NEXT_YEAR, RecordingProxy, StartBot, booking_of, served, turn_context_of

QUERY = f"book a flight from Paris to Tokyo on march 3rd {NEXT_YEAR} ✈️"
MODELS = Path(__file__).resolve().parent.parent.parent / "cognitive_models"

pytestmark = pytest.mark.usefixtures("no_proxy_settings")


def city(category: str, text: str, list_key: str | None) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "category": category,
        "text": text,
        "offset": QUERY.index(text),
        "length": len(text),
        "confidenceScore": 1.0,
    }
    if list_key is not None:
        entity["extraInformation"] = [{"extraInformationKind": "ListKey", "key": list_key}]
    return entity


PREDICTION = {
    "kind": "ConversationResult",
    "result": {
        "query": QUERY,
        "prediction": {
            "projectKind": "Conversation",
            "topIntent": "BookFlight",
            "intents": [
                {"category": "BookFlight", "confidenceScore": 0.97},
                {"category": "GetWeather", "confidenceScore": 0.02},
                {"category": "None", "confidenceScore": 0.01},
            ],
            "entities": [
                city("From", "Paris", "Paris"),
                city("To", "Tokyo", None),
                {
                    "category": "TravelDate",
                    "text": f"march 3rd {NEXT_YEAR}",
                    "offset": QUERY.index("march"),
                    "length": 14,
                    "confidenceScore": 1.0,
                    "resolutions": [
                        {
                            "resolutionKind": "DateTimeResolution",
                            "dateTimeSubKind": "Date",
                            "timex": f"{NEXT_YEAR}-03-03",
                            "value": f"{NEXT_YEAR}-03-03",
                        }
                    ],
                    "extraInformation": [
                        {"extraInformationKind": "EntitySubtype", "value": "datetime.date"}
                    ],
                },
            ],
        },
    },
}

# What a CLU model that knows none of the user's words answers.
NOTHING_UNDERSTOOD = {
    "kind": "ConversationResult",
    "result": {
        "query": "",
        "prediction": {
            "projectKind": "Conversation",
            "topIntent": "None",
            "intents": [{"category": "None", "confidenceScore": 0.93}],
            "entities": [],
        },
    },
}


class CluStandIn:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: Any = PREDICTION
        self.status = 200
        self.delay = 0.0
        self.app = web.Application()
        self.app.router.add_post("/language/:analyze-conversations", self.analyze)

    async def analyze(self, request: web.Request) -> web.Response:
        self.requests.append(
            {
                "api-version": request.query.get("api-version"),
                "key": request.headers.get("Ocp-Apim-Subscription-Key"),
                "body": await request.json(),
            }
        )
        await asyncio.sleep(self.delay)
        if isinstance(self.answer, str):
            return web.Response(text=self.answer, status=self.status)
        return web.json_response(self.answer, status=self.status)


@pytest.fixture
async def clu() -> AsyncIterator[tuple[CluStandIn, str]]:
    stand_in = CluStandIn()
    async with served(stand_in.app) as server:
        yield stand_in, str(server.make_url(""))


@pytest.fixture
async def recognizer(clu: tuple[CluStandIn, str]) -> AsyncIterator[CluRecognizer]:
    _, endpoint = clu
    recognizer = CluRecognizer(endpoint, "clu-key", "FlightBooking", "production", timeout=0.5)
    await recognizer.open()
    yield recognizer
    await recognizer.close()


def turn(text: str) -> TurnContext:
    return turn_context_of(Activity(type="message", text=text))


async def test_the_request(clu: tuple[CluStandIn, str], recognizer: CluRecognizer) -> None:
    stand_in, _ = clu

    await recognizer.recognize(turn(QUERY))

    (request,) = stand_in.requests
    assert request["api-version"] == "2024-11-01"
    assert request["key"] == "clu-key"
    body = request["body"]
    assert body["kind"] == "Conversation"
    assert body["analysisInput"]["conversationItem"]["text"] == QUERY
    assert body["analysisInput"]["conversationItem"]["participantId"]
    assert body["parameters"] == {
        "projectName": "FlightBooking",
        "deploymentName": "production",
        "stringIndexType": "UnicodeCodePoint",
    }


async def test_the_prediction_in_luis_shape(recognizer: CluRecognizer) -> None:
    result = await recognizer.recognize(turn(QUERY))

    assert booking_of(result) == ("BookFlight", None, "Paris", f"{NEXT_YEAR}-03-03", ["Tokyo"])
    assert result.intents["BookFlight"].score == 0.97
    instance = result.entities["$instance"]
    assert instance["From"][0] == {
        "startIndex": 19,
        "endIndex": 24,
        "text": "Paris",
        "score": 1.0,
        "type": "From",
    }
    (date,) = instance["datetime"]
    assert QUERY[date["startIndex"] : date["endIndex"]] == f"march 3rd {NEXT_YEAR}"


async def test_the_environments_proxy_is_used(
    clu: tuple[CluStandIn, str],
    recognizer: CluRecognizer,
    proxy: RecordingProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stand_in, endpoint = clu
    monkeypatch.setenv("HTTP_PROXY", proxy.url)

    result = await recognizer.recognize(turn(QUERY))

    assert booking_of(result) == ("BookFlight", None, "Paris", f"{NEXT_YEAR}-03-03", ["Tokyo"])
    assert len(stand_in.requests) == 1
    assert proxy.request_lines() == [
        f"POST {endpoint.rstrip('/')}/language/:analyze-conversations?api-version=2024-11-01 "
        "HTTP/1.1"
    ]


async def test_an_empty_message_is_not_sent(
    clu: tuple[CluStandIn, str], recognizer: CluRecognizer
) -> None:
    stand_in, _ = clu

    result = await recognizer.recognize(turn("   "))

    assert stand_in.requests == []
    assert top_intent(result) is Intent.NONE_INTENT


@pytest.mark.parametrize(
    ("status", "answer", "delay"),
    [
        (500, {"error": {"code": "InternalServerError"}}, 0.0),
        (401, {"error": {"code": "401"}}, 0.0),
        (200, "<html>not json</html>", 0.0),
        (200, {"kind": "ConversationResult", "result": {}}, 0.0),
        (200, {"result": {"prediction": {"projectKind": "Orchestration", "intents": {}}}}, 0.0),
        (200, PREDICTION, 2.0),
    ],
    ids=["http-500", "http-401", "not-json", "no-prediction", "orchestration", "timeout"],
)
async def test_a_failing_clu_means_not_understood(
    clu: tuple[CluStandIn, str],
    recognizer: CluRecognizer,
    caplog: pytest.LogCaptureFixture,
    status: int,
    answer: Any,
    delay: float,
) -> None:
    stand_in, _ = clu
    stand_in.status, stand_in.answer, stand_in.delay = status, answer, delay

    intent, details = await execute_luis_query(recognizer, turn(QUERY))

    assert (intent, details) == (Intent.NONE_INTENT, None)
    assert caplog.text.count("The recognizer failed") == 1


def test_a_malformed_endpoint_fails_at_start() -> None:
    with pytest.raises(ConfigError, match="CluEndpoint"):
        CluRecognizer("westeurope.api.cognitive", "key", "FlightBooking", "production")


def test_the_project_export_matches_the_embedded_model() -> None:
    luis_app = json.loads((MODELS / "FlightBooking.json").read_text(encoding="utf-8"))
    project = json.loads((MODELS / "FlightBooking.clu.json").read_text(encoding="utf-8"))
    assets = project["assets"]

    assert project["metadata"]["projectKind"] == assets["projectKind"] == "Conversation"
    assert [i["category"] for i in assets["intents"]] == [i["name"] for i in luis_app["intents"]]
    assert [(u["text"], u["intent"]) for u in assets["utterances"]] == [
        (u["text"], u["intent"]) for u in luis_app["utterances"]
    ]
    assert project["stringIndexType"] == "Utf16CodeUnit"
    for clu_utterance, luis_utterance in zip(
        assets["utterances"], luis_app["utterances"], strict=True
    ):
        text = luis_utterance["text"]
        utf16 = text.encode("utf-16-le")
        assert [
            (
                e["category"],
                utf16[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le"),
            )
            for e in clu_utterance["entities"]
        ] == [
            (e["entity"], text[e["startPos"] : e["endPos"] + 1]) for e in luis_utterance["entities"]
        ]
    airports = {sub["canonicalForm"]: sub["list"] for sub in luis_app["closedLists"][0]["subLists"]}
    for entity in (e for e in assets["entities"] if e["category"] in ("From", "To")):
        assert {
            sub["listKey"]: sub["synonyms"][0]["values"] for sub in entity["list"]["sublists"]
        } == airports


def clu_config(endpoint: str) -> DefaultConfig:
    return DefaultConfig.from_env(
        {
            "CluEndpoint": endpoint,
            "CluAPIKey": "clu-key",
            "CluProjectName": "FlightBooking",
            "CluDeploymentName": "production",
        }
    )


async def test_the_bot_over_http_with_clu(clu: tuple[CluStandIn, str], start_bot: StartBot) -> None:
    stand_in, endpoint = clu
    config = clu_config(endpoint)
    emulator = await start_bot(config)
    *_, intro = await emulator.join()
    assert intro["text"] == "What can I help you with today?"

    assert await emulator.say(QUERY) == [
        "Sorry but the following airports are not supported: Tokyo",
        "Where would you like to travel to?",
    ]
    assert len(stand_in.requests) == 1


async def test_answers_clu_does_not_understand_are_read_by_the_dialogs(
    clu: tuple[CluStandIn, str], start_bot: StartBot
) -> None:
    stand_in, endpoint = clu
    config = clu_config(endpoint)
    emulator = await start_bot(config)
    await emulator.join()
    assert await emulator.say(QUERY) == [
        "Sorry but the following airports are not supported: Tokyo",
        "Where would you like to travel to?",
    ]
    stand_in.answer = NOTHING_UNDERSTOOD

    assert await emulator.say("Berln") == [
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {NEXT_YEAR}-03-03."
    ]
