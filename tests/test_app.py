"""The service over real HTTP, driven the way the Bot Framework Emulator drives it."""

import gc
import json
import logging
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import sdk
from app import tune_garbage_collector
from config import VERSION, DefaultConfig
from storage.memory import MemoryStorage
from tests.conftest import (
    NEXT_YEAR,
    FailingStorage,
    StartBot,
    StubRecognizer,
    flight_result,
)

NOT_CONFIGURED = (
    "NOTE: LUIS is not configured. To enable all capabilities, add 'LuisAppId', 'LuisAPIKey' "
    "and 'LuisAPIHostName' to the appsettings.json file."
)


async def test_a_full_booking(start_bot: StartBot, tomorrow: str) -> None:
    emulator = await start_bot()

    card, intro = await emulator.join()
    assert card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert intro["text"] == "What can I help you with today?"
    assert await emulator.say("I want to book a flight to Paris") == [
        "From what city will you be travelling?"
    ]
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]
    (confirm,) = await emulator.post(emulator.activity(text="tomorrow"))
    assert confirm["text"] == (
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
    )
    assert [action["title"] for action in confirm["suggestedActions"]["actions"]] == ["Yes", "No"]
    assert await emulator.say("Yes") == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_a_booking_typed_as_people_type(start_bot: StartBot) -> None:
    emulator = await start_bot()
    await emulator.join()

    assert await emulator.say("help") == [
        "I can book flights between Paris, London, Berlin, New York and Seattle. "
        "At any of my questions you can say help, cancel or start over.",
        "What can I help you with today?",
    ]
    assert await emulator.say("yo can u book me a flight frm Berln to rome") == [
        "Sorry but the following airports are not supported: Rome",
        "Where would you like to travel to?",
    ]
    assert await emulator.say("Tokyo") == [
        "Sorry but the following airports are not supported: Tokyo",
        "Where would you like to travel to?",
    ]
    assert await emulator.say("nyc") == ["On what date would you like to travel?"]
    assert await emulator.say("in two weeks") == [
        "I'm sorry, for best results, please enter your travel date including the month, "
        "day and year. "
    ]
    (confirm,) = await emulator.post(emulator.activity(text=f"janury 15 {NEXT_YEAR}"))
    assert confirm["text"] == (
        f"Please confirm, I have you traveling to: New York from: Berlin on: {NEXT_YEAR}-01-15."
    )
    assert await emulator.say("can I also rent a car?") == [
        "Right now I can only book this flight: say yes to book it, or no to drop it.",
        f"Please confirm, I have you traveling to: New York from: Berlin on: {NEXT_YEAR}-01-15.",
    ]
    assert await emulator.say("yse") == [
        "Sorry, was that a yes or a no?",
        f"Please confirm, I have you traveling to: New York from: Berlin on: {NEXT_YEAR}-01-15.",
    ]
    assert await emulator.say("yes") == [
        f"I have you booked to New York from Berlin on {NEXT_YEAR}-01-15",
        "What else can I do for you?",
    ]


async def test_a_booking_with_interruptions(start_bot: StartBot, tomorrow: str) -> None:
    emulator = await start_bot()
    await emulator.join()

    assert await emulator.say("book a flight") == ["Where would you like to travel to?"]
    assert await emulator.say("which cities can I fly to?") == [
        "I can book flights between Paris, London, Berlin, New York and Seattle.",
        "Where would you like to travel to?",
    ]
    assert await emulator.say("to Berlin from Paris") == ["On what date would you like to travel?"]
    assert await emulator.say("what's the weather in Berlin?") == [
        "TODO: get weather flow here",
        "On what date would you like to travel?",
    ]
    assert await emulator.say("Help!") == ["Show Help..."]
    assert await emulator.say("tomorrow") == [
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}."
    ]
    assert await emulator.say("no, to London") == [
        f"Please confirm, I have you traveling to: London from: Paris on: {tomorrow}."
    ]
    assert await emulator.say("Yes") == [
        f"I have you booked to London from Paris on {tomorrow}",
        "What else can I do for you?",
    ]
    assert await emulator.say("book a flight to Seattle") == [
        "From what city will you be travelling?"
    ]
    assert await emulator.say("start over") == ["Where would you like to travel to?"]
    assert await emulator.say(" cancel.") == ["Cancelling", "What else can I do for you?"]


@pytest.mark.parametrize(
    ("said", "answers"),
    [
        (
            "book a flight from berlin to seattle tomorrow",
            ["Please confirm, I have you traveling to: Seattle from: Berlin on: {tomorrow}."],
        ),
        ("I want to book a flight to Paris", ["From what city will you be travelling?"]),
        (
            "fly to tokyo",
            [
                "Sorry but the following airports are not supported: Tokyo",
                "Where would you like to travel to?",
            ],
        ),
        ("will it rain in london?", ["TODO: get weather flow here", "What else can I do for you?"]),
        (
            "order a pizza",
            [
                "Sorry, I didn't get that. Please try asking in a different way",
                "What else can I do for you?",
            ],
        ),
        (
            "fly to paris on friday",
            [
                "From what city will you be travelling?",
            ],
        ),
    ],
)
async def test_it_understands_requests_with_no_cloud(
    start_bot: StartBot, tomorrow: str, said: str, answers: list[str]
) -> None:
    emulator = await start_bot()
    await emulator.join()

    assert await emulator.say(said) == [answer.format(tomorrow=tomorrow) for answer in answers]


async def test_an_ambiguous_day_in_the_request_is_asked_for_in_full(start_bot: StartBot) -> None:
    emulator = await start_bot()
    await emulator.join()

    assert await emulator.say("fly from london to paris on friday") == [
        "I'm sorry, for best results, please enter your travel date including the month, "
        "day and year. "
    ]
    assert await emulator.say(f"march 3rd {NEXT_YEAR}") == [
        f"Please confirm, I have you traveling to: Paris from: London on: {NEXT_YEAR}-03-03."
    ]


async def test_without_a_recognizer_it_asks_everything(start_bot: StartBot, tomorrow: str) -> None:
    emulator = await start_bot(DefaultConfig.from_env({"RECOGNIZER": "none"}))

    _card, note, destination = await emulator.join()
    assert (note["text"], destination["text"]) == (
        NOT_CONFIGURED,
        "Where would you like to travel to?",
    )
    assert await emulator.say("Seattle") == ["From what city will you be travelling?"]
    assert await emulator.say("New York") == ["On what date would you like to travel?"]
    assert await emulator.say("tomorrow") == [
        f"Please confirm, I have you traveling to: Seattle from: New York on: {tomorrow}."
    ]
    assert await emulator.say("Yes") == [
        f"I have you booked to Seattle from New York on {tomorrow}",
        NOT_CONFIGURED,
        "Where would you like to travel to?",
    ]


async def test_replies_go_to_the_conversation_at_service_url(start_bot: StartBot) -> None:
    emulator = await start_bot()
    await emulator.join()

    (reply,) = await emulator.post(emulator.activity(id="message-7", text="fly to Seattle"))

    assert reply["_path"] == "/v3/conversations/conversation-1/activities/message-7"
    assert reply["replyToId"] == "message-7"
    assert reply["conversation"]["id"] == "conversation-1"
    assert reply["recipient"]["id"] == "user-1"


async def test_with_a_recognizer(start_bot: StartBot, tomorrow: str) -> None:
    result = flight_result(
        "book a flight from berlin to seattle tomorrow",
        to=("seattle", "Seattle"),
        origin=("berlin", "Berlin"),
        timex=tomorrow,
    )
    emulator = await start_bot(recognizer=StubRecognizer(result))

    *_, intro = await emulator.join()
    assert intro["text"] == "What can I help you with today?"
    assert await emulator.say(result.text) == [
        f"Please confirm, I have you traveling to: Seattle from: Berlin on: {tomorrow}."
    ]
    assert await emulator.say("yes") == [
        f"I have you booked to Seattle from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_expect_replies_returns_the_turn_in_the_response(
    start_bot: StartBot, tomorrow: str
) -> None:
    emulator = await start_bot()

    async def turn(text: str) -> list[str]:
        body = emulator.activity(text=text, deliveryMode="expectReplies")
        async with emulator.session.post(emulator.url, json=body) as response:
            assert response.status == 200
            replies = (await response.json())["activities"]
        return [reply.get("text") for reply in replies]

    assert await turn("hi") == [None, "What can I help you with today?"]
    assert await turn("book a flight from paris to new york") == [
        "On what date would you like to travel?"
    ]
    assert await turn("tomorrow") == [
        f"Please confirm, I have you traveling to: New York from: Paris on: {tomorrow}."
    ]
    assert await turn("yes") == [
        f"I have you booked to New York from Paris on {tomorrow}",
        "What else can I do for you?",
    ]
    assert emulator.connector.take() == []


async def test_get_is_not_allowed(start_bot: StartBot) -> None:
    emulator = await start_bot()

    async with emulator.session.get(emulator.url) as response:
        assert response.status == 405


@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/plain"}, {"Content-Type": "text/plain; x=application/json"}, {}],
    ids=["text", "json-in-a-parameter", "none"],
)
async def test_a_body_that_is_not_json_is_refused(
    start_bot: StartBot, headers: dict[str, str]
) -> None:
    emulator = await start_bot()

    async with emulator.session.post(
        emulator.url,
        data=b'{"type": "message"}',
        headers=headers,
        skip_auto_headers=["Content-Type"],
    ) as response:
        assert response.status == 415
    assert emulator.connector.take() == []


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"not json", b"\xff\xfe{}", b"[]", b'"x"', b"null", b"42", b"[" * 100_000],
    ids=["empty", "truncated", "text", "bad-utf8", "list", "string", "null", "number", "deep"],
)
async def test_a_malformed_body_is_a_bad_request(
    start_bot: StartBot, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="adapter_with_error_handler")
    emulator = await start_bot()

    async with emulator.session.post(
        emulator.url, data=body, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 400
        assert "error" in await response.json()
    (record,) = [record for record in caplog.records if record.name == "adapter_with_error_handler"]
    assert record.exc_info is None
    assert "\n" not in record.getMessage()


@pytest.mark.parametrize(
    "change",
    [
        {"type": None},
        {"channelId": None},
        {"serviceUrl": None},
        {"conversation": None},
        {"conversation": {}},
        {"conversation": "conversation-1"},
        {"from": 42},
    ],
    ids=["type", "channel", "service-url", "conversation", "conversation-id", "str", "from"],
)
async def test_an_incomplete_activity_is_refused_before_any_turn(
    start_bot: StartBot, change: dict[str, Any]
) -> None:
    emulator = await start_bot()
    body = {**emulator.activity(text="hi"), **change}
    body = {key: value for key, value in body.items() if value is not None}

    async with emulator.session.post(emulator.url, json=body) as response:
        assert response.status == 400
    assert emulator.connector.take() == []


async def test_an_error_tells_the_user_and_starts_the_conversation_afresh(
    start_bot: StartBot,
) -> None:
    storage = FailingStorage()
    emulator = await start_bot(storage=storage)
    await emulator.join()
    await emulator.say("fly to Seattle")
    storage.fail_next_write = True

    replies = await emulator.post(emulator.activity(text="New York"))

    assert [reply.get("text") for reply in replies] == [
        "On what date would you like to travel?",
        "The bot encountered an error or bug.",
        "To continue to run this bot, please fix the bot source code.",
        None,
    ]
    trace = replies[-1]
    assert (trace["type"], trace["label"]) == ("trace", "TurnError")
    assert trace["value"] == "storage unreachable"
    assert not any(key.endswith("/conversations/conversation-1") for key in storage.stored_keys())
    # A greeting with no conversation going gets the welcome again.
    assert await emulator.say("hi") == [None, "What can I help you with today?"]
    # A request is read afresh, as the answer to that question.
    assert await emulator.say("fly to Seattle") == ["From what city will you be travelling?"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer abc"},
        {"Authorization": "garbage"},
        {"Authorization": "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJpc3MiOiJ4In0.c2ln"},
    ],
    ids=["no-token", "malformed", "no-scheme", "unknown-issuer"],
)
async def test_with_an_app_id_a_request_without_a_valid_token_is_unauthorized(
    start_bot: StartBot, headers: dict[str, str]
) -> None:
    config = DefaultConfig.from_env(
        {
            "MicrosoftAppId": "8c7a2c41-91c9-4c4e-9f3a-2b1f0e6d5a10",
            "MicrosoftAppPassword": "x",
            "MicrosoftAppTenantId": "0c9a4f23-5b1e-4d7a-8f2c-6e3b9d1a7c45",
        }
    )
    emulator = await start_bot(config)

    async with emulator.session.post(
        emulator.url, json=emulator.activity(text="hi"), headers=headers
    ) as response:
        assert response.status == 401
    assert emulator.connector.take() == []


class CountingStorage(MemoryStorage):
    """Memory storage that counts the writes of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: dict[str, int] = {}

    async def write(self, changes: dict[str, Any]) -> None:
        for key in changes:
            self.writes[key] = self.writes.get(key, 0) + 1
        await super().write(changes)


async def test_conversation_state_is_written_once_per_turn(start_bot: StartBot) -> None:
    storage = CountingStorage()
    emulator = await start_bot(storage=storage)

    await emulator.join()
    await emulator.say("fly to Seattle")
    await emulator.say("New York")

    assert storage.writes == {"emulator/conversations/conversation-1": 3}


async def test_after_warm_up_the_collector_runs_again_with_the_start_up_objects_frozen() -> None:
    """`python app.py` starts with the collector off; it must not stay off."""
    threshold = gc.get_threshold()
    gc.disable()
    try:
        await tune_garbage_collector(web.Application())
        assert gc.isenabled()
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == (20_000, 20, 20)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        gc.enable()


async def test_a_turn_leaves_no_garbage_for_the_cycle_collector(start_bot: StartBot) -> None:
    """Under load, the cycles a turn left held its objects until a collection paused every
    conversation."""
    emulator = await start_bot()
    await emulator.join()
    assert await emulator.say("book a flight to Paris") == [
        "From what city will you be travelling?"
    ]
    gc.collect()
    gc.disable()
    try:
        assert await emulator.say("Berlin") == ["On what date would you like to travel?"]
        assert gc.collect() == 0
    finally:
        gc.enable()


# What each build's replies say they come from: the bot and its build, then the SDK's own
# client's words (its version, then Python's and the system's).
USER_AGENTS = {
    "botbuilder": r"corebot/0\.1\.0 \(botbuilder\) Microsoft-BotFramework/3\.1 "
    r"\(BotBuilder Python/4\.17\.1\) python/3\.\d+\.\d+ \(\S+\)",
    "agents": r"corebot/0\.1\.0 \(agents\) agents-sdk-py/1\.9\.0 python/3\.\d+\.\d+ "
    r"\S+-\S+/\S+",
}


async def test_every_reply_says_which_build_sent_it(start_bot: StartBot) -> None:
    emulator = await start_bot()

    replies = await emulator.join() + await emulator.post(emulator.activity(text="book a flight"))

    assert len(replies) == 3
    for reply in replies:
        assert re.fullmatch(USER_AGENTS[sdk.NAME], reply["_user_agent"]), reply["_user_agent"]


def test_the_version_is_the_projects() -> None:
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())

    assert project["project"]["version"] == VERSION


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
async def test_a_body_in_another_encoding_than_utf8_is_refused(
    start_bot: StartBot, encoding: str
) -> None:
    emulator = await start_bot()
    body = json.dumps(emulator.activity(text="hi")).encode(encoding)

    async with emulator.session.post(
        emulator.url, data=body, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 400
        assert await response.json() == {"error": "the body is not UTF-8"}
    assert emulator.connector.take() == []


async def test_a_utf8_body_may_begin_with_a_byte_order_mark(start_bot: StartBot) -> None:
    emulator = await start_bot()
    body = json.dumps(emulator.activity(text="fly to Paris")).encode("utf-8-sig")

    async with emulator.session.post(
        emulator.url, data=body, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 201
    assert [reply.get("text") for reply in emulator.connector.take()] == [
        "From what city will you be travelling?"
    ]
