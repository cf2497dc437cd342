"""The local Direct Line over real HTTP, called the way Web Chat calls it with polling."""

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession, TCPConnector, web
from aiohttp.test_utils import make_mocked_request
from yarl import URL

import telemetry
from app import create_app
from config import DefaultConfig
from tests.conftest import HealthProbes, served
from webchat.direct_line import QuietPollsAccessLogger

WELCOME = [None, "What can I help you with today?"]


class DirectLineClient:
    """One Web Chat: a token, its conversation, and the watermark of what it has seen."""

    def __init__(self, session: ClientSession, base: URL) -> None:
        self.session = session
        self.base = base
        self.token = ""
        self.conversation_id = ""

    async def call(
        self, method: str, path: str, *, token: str | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        token = self.token if token is None else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", {}))
        async with self.session.request(
            method, self.base.join(URL(path)), headers=headers, **kwargs
        ) as response:
            body = await response.json() if response.content_type == "application/json" else None
            return response.status, body

    async def get_token(self) -> dict[str, Any]:
        status, body = await self.call("POST", "/v3/directline/tokens/generate", token="")
        assert status == 200
        self.token, self.conversation_id = body["token"], body["conversationId"]
        return body

    async def start(self, user_id: str = "user-1") -> int:
        if not self.token:
            await self.get_token()
        status, body = await self.call(
            "POST",
            "/v3/directline/conversations",
            json={"user": {"id": user_id}, "locale": "en-US"},
        )
        assert body["conversationId"] == self.conversation_id
        return status

    @property
    def activities_path(self) -> str:
        return f"/v3/directline/conversations/{self.conversation_id}/activities"

    async def post(self, activity: dict[str, Any], **kwargs: Any) -> tuple[int, Any]:
        return await self.call("POST", self.activities_path, json=activity, **kwargs)

    async def say(self, text: str, client_id: str = "c1") -> str:
        status, body = await self.post(
            {
                "type": "message",
                "text": text,
                "from": {"id": "user-1", "name": ""},
                "locale": "en-US",
                "channelData": {"clientActivityID": client_id},
            }
        )
        assert status == 200, body
        return body["id"]

    async def poll(self, watermark: str = "", **kwargs: Any) -> tuple[list[dict[str, Any]], str]:
        status, body = await self.call(
            "GET", f"{self.activities_path}?watermark={watermark}", **kwargs
        )
        assert status == 200, body
        return body["activities"], body["watermark"]

    async def poll_raw(self, watermark: str) -> bytes:
        """One poll's answer, unread: what the service sent."""
        url = self.base.join(URL(f"{self.activities_path}?watermark={watermark}"))
        async with self.session.get(url, headers={"Authorization": f"Bearer {self.token}"}) as got:
            assert got.status == 200
            return await got.read()

    async def poll_all(self, watermark: str = "0") -> list[bytes]:
        """Poll from `watermark` until there is nothing new; every answer, unread."""
        answers: list[bytes] = []
        while True:
            answer = await self.poll_raw(watermark)
            page = json.loads(answer)
            if not page["activities"]:
                return answers
            answers.append(answer)
            watermark = page["watermark"]

    async def reply(self, activity: dict[str, Any]) -> None:
        """Post `activity` to the conversation as the bot does, at `serviceUrl`."""
        status, body = await self.call(
            "POST", f"/v3/conversations/{self.conversation_id}/activities", token="", json=activity
        )
        assert status == 200, body


def texts(activities: list[dict[str, Any]]) -> list[str | None]:
    return [activity.get("text") for activity in activities]


@pytest.fixture
async def web_chat(
    dev_config: DefaultConfig, http_session: ClientSession
) -> AsyncIterator[DirectLineClient]:
    async with served(create_app(dev_config)) as server:
        yield DirectLineClient(http_session, server.make_url("/"))


@pytest.fixture
async def another_web_chat(web_chat: DirectLineClient) -> DirectLineClient:
    return DirectLineClient(web_chat.session, web_chat.base)


async def test_a_new_conversation_gets_the_welcome_card(web_chat: DirectLineClient) -> None:
    token = await web_chat.get_token()
    assert token["expires_in"] == 1800

    assert await web_chat.start() == 201
    activities, watermark = await web_chat.poll()

    assert texts(activities) == WELCOME
    card = activities[0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"] == "Flight booking bot"
    assert watermark == "2"
    assert {activity["from"]["id"] for activity in activities} == {"corebot"}
    assert {activity["recipient"]["id"] for activity in activities} == {"user-1"}


async def test_starting_again_greets_no_more(web_chat: DirectLineClient) -> None:
    await web_chat.start()

    assert await web_chat.start() == 200
    activities, watermark = await web_chat.poll()
    assert (texts(activities), watermark) == (WELCOME, "2")


async def test_a_booking_comes_back_in_order(web_chat: DirectLineClient, tomorrow: str) -> None:
    await web_chat.start()

    sent = await web_chat.say("book a flight from paris to berlin tomorrow", client_id="c1")
    activities, watermark = await web_chat.poll("2")
    assert texts(activities) == [
        "book a flight from paris to berlin tomorrow",
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}.",
    ]
    echo, confirm = activities
    assert echo["id"] == sent
    assert echo["channelData"] == {"clientActivityID": "c1"}
    assert (echo["from"]["id"], echo["from"]["role"]) == ("user-1", "user")
    assert [action["title"] for action in confirm["suggestedActions"]["actions"]] == ["Yes", "No"]
    assert watermark == "4"

    await web_chat.say("Yes", client_id="c2")
    activities, watermark = await web_chat.poll(watermark)
    assert texts(activities) == [
        "Yes",
        f"I have you booked to Berlin from Paris on {tomorrow}",
        "What else can I do for you?",
    ]
    assert watermark == "7"

    assert await web_chat.poll(watermark) == ([], "7")
    everything, _ = await web_chat.poll("0")
    assert len(everything) == 7
    ids = [activity["id"] for activity in everything]
    assert ids == sorted(ids)
    assert len(set(ids)) == 7


async def test_messages_sent_together_each_come_back_before_the_next(
    web_chat: DirectLineClient,
) -> None:
    await web_chat.start()

    await asyncio.gather(
        web_chat.say("book a flight to paris", client_id="c1"),
        web_chat.say("Berlin", client_id="c2"),
        web_chat.say("tomorrow", client_id="c3"),
    )

    activities, _ = await web_chat.poll("2")
    senders = "".join(activity["from"]["role"][0] for activity in activities)
    assert re.fullmatch("(ub+){3}", senders), senders
    said = [activity["text"] for activity in activities if activity["from"]["role"] == "user"]
    assert sorted(said) == ["Berlin", "book a flight to paris", "tomorrow"]


async def test_the_sender_is_the_user_who_started_the_conversation(
    web_chat: DirectLineClient,
) -> None:
    await web_chat.start(user_id="user-1")

    status, _ = await web_chat.post(
        {"type": "message", "text": "book a flight to paris", "from": {"id": "admin"}}
    )

    assert status == 200
    activities, _ = await web_chat.poll("2")
    assert texts(activities) == ["book a flight to paris", "From what city will you be travelling?"]
    assert activities[0]["from"]["id"] == "user-1"


@pytest.mark.parametrize("watermark", ["abc", "-1", "3", "1.5", "+1", " 1", "\u0661"])
async def test_a_bad_watermark_is_refused(web_chat: DirectLineClient, watermark: str) -> None:
    await web_chat.start()

    status, body = await web_chat.call("GET", f"{web_chat.activities_path}?watermark={watermark}")

    assert (status, body) == (400, {"error": "watermark must be a whole number from 0 to 2"})


@pytest.mark.parametrize(
    ("kwargs", "status", "error"),
    [
        (
            {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
            400,
            "the body is not valid JSON",
        ),
        ({"json": ["message"]}, 400, "the body must be a JSON object (an Activity)"),
        ({"json": {"text": "hello"}}, 400, "the Activity lacks type"),
        ({"json": {"type": "message", "attachments": 5}}, 400, "attachments must be a list"),
        (
            {"data": b'{"type": "message"}', "headers": {"Content-Type": "text/plain"}},
            415,
            "Content-Type must be application/json",
        ),
    ],
)
async def test_a_bad_activity_is_refused_and_loses_nothing(
    web_chat: DirectLineClient, kwargs: dict[str, Any], status: int, error: str
) -> None:
    await web_chat.start()

    assert await web_chat.call("POST", web_chat.activities_path, **kwargs) == (
        status,
        {"error": error},
    )
    assert await web_chat.poll("2") == ([], "2")
    await web_chat.say("book a flight to paris")
    activities, _ = await web_chat.poll("2")
    assert texts(activities) == ["book a flight to paris", "From what city will you be travelling?"]


@pytest.mark.parametrize(
    ("invoke", "status"),
    [
        ({"name": "signin/tokenExchange", "value": {"id": "x-1", "token": "eyJ0eXAi"}}, 501),
        ({"name": "adaptiveCard/action", "value": "not an object"}, 400),
    ],
    ids=["token-exchange", "card-action"],
)
async def test_an_invoke_gets_the_bots_answer_and_leaves_the_booking_as_it_was(
    web_chat: DirectLineClient,
    caplog: pytest.LogCaptureFixture,
    invoke: dict[str, Any],
    status: int,
) -> None:
    await web_chat.start()
    await web_chat.say("book a flight to paris")
    _, watermark = await web_chat.poll("2")

    answer, _ = await web_chat.post({"type": "invoke", **invoke})

    assert answer == status
    activities, watermark = await web_chat.poll(watermark)
    assert [activity["from"]["role"] for activity in activities] == ["user"]
    await web_chat.say("Berlin")
    activities, _ = await web_chat.poll(watermark)
    assert texts(activities) == ["Berlin", "On what date would you like to travel?"]
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


async def test_an_unknown_conversation_is_not_found(web_chat: DirectLineClient) -> None:
    await web_chat.start()
    path = "/v3/directline/conversations/no-such-conversation/activities"

    assert await web_chat.call("GET", f"{path}?watermark=") == (
        404,
        {"error": "no such conversation"},
    )
    assert await web_chat.call("POST", path, json={"type": "message", "text": "hi"}) == (
        404,
        {"error": "no such conversation"},
    )


async def test_a_conversation_belongs_to_the_token_that_created_it(
    web_chat: DirectLineClient, another_web_chat: DirectLineClient
) -> None:
    await web_chat.start()
    await another_web_chat.start(user_id="user-2")
    stranger = another_web_chat.token
    message = {"type": "message", "text": "book a flight to paris"}

    assert await web_chat.call("GET", web_chat.activities_path, token=stranger) == (
        403,
        {"error": "the token is for another conversation"},
    )
    assert await web_chat.post(message, token=stranger) == (
        403,
        {"error": "the token is for another conversation"},
    )
    activities, watermark = await web_chat.poll()
    assert (texts(activities), watermark) == (WELCOME, "2")


@pytest.mark.parametrize(
    ("token", "status", "error"),
    [
        ("", 401, "a Direct Line token is required"),
        ("made-up", 403, "the token is not valid or has expired"),
    ],
)
async def test_calls_without_a_valid_token_are_refused(
    web_chat: DirectLineClient, token: str, status: int, error: str
) -> None:
    await web_chat.start()

    for method, path in [
        ("GET", web_chat.activities_path),
        ("POST", web_chat.activities_path),
        ("POST", "/v3/directline/conversations"),
        ("POST", "/v3/directline/tokens/refresh"),
    ]:
        assert await web_chat.call(method, path, token=token, json={"type": "message"}) == (
            status,
            {"error": error},
        ), (method, path)
    activities, watermark = await web_chat.poll()
    assert (texts(activities), watermark) == (WELCOME, "2")


async def test_posting_before_starting_is_a_conflict(web_chat: DirectLineClient) -> None:
    await web_chat.get_token()

    assert await web_chat.post({"type": "message", "text": "hi"}) == (
        409,
        {"error": "the conversation has not been started"},
    )


async def test_a_token_can_be_refreshed(web_chat: DirectLineClient) -> None:
    await web_chat.start()

    status, body = await web_chat.call("POST", "/v3/directline/tokens/refresh")

    assert status == 200
    assert body == {
        "conversationId": web_chat.conversation_id,
        "token": web_chat.token,
        "expires_in": 1800,
    }


async def test_the_bot_replies_only_into_conversations_it_knows(
    web_chat: DirectLineClient,
) -> None:
    await web_chat.start()
    reply = {"type": "message", "text": "hello"}

    assert await web_chat.call(
        "POST", "/v3/conversations/no-such-conversation/activities", token="", json=reply
    ) == (404, {"error": "no such conversation"})
    assert await web_chat.call(
        "POST", f"/v3/conversations/{web_chat.conversation_id}/activities", token="", json=[]
    ) == (400, {"error": "the body must be an Activity with a type"})


async def test_with_an_app_id_there_is_no_web_chat(http_session: ClientSession) -> None:
    config = DefaultConfig.from_env(
        {
            "MicrosoftAppId": "8c7a2c41-91c9-4c4e-9f3a-2b1f0e6d5a10",
            "MicrosoftAppPassword": "x",
            "MicrosoftAppTenantId": "0c9a4f23-5b1e-4d7a-8f2c-6e3b9d1a7c45",
        }
    )
    async with served(create_app(config)) as server:
        for method, path in [
            ("GET", "/"),
            ("GET", "/webchat/webchat.js"),
            ("POST", "/v3/directline/tokens/generate"),
            ("POST", "/v3/directline/conversations"),
            ("GET", "/v3/directline/conversations/c/activities"),
            ("POST", "/v3/conversations/c/activities"),
        ]:
            async with http_session.request(method, server.make_url(path)) as response:
                assert response.status == 404, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "status", "logged"),
    [
        ("GET", "/v3/directline/conversations/c1/activities?watermark=2", 200, False),
        ("GET", "/v3/directline/conversations/c1/activities?watermark=9", 400, True),
        ("POST", "/v3/directline/conversations/c1/activities", 200, True),
        ("GET", "/", 200, True),
    ],
)
def test_successful_polls_stay_out_of_the_access_log(
    method: str, path: str, status: int, logged: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    access_log = QuietPollsAccessLogger(logging.getLogger("aiohttp.access"))

    access_log.log(make_mocked_request(method, path), web.Response(status=status), 0.001)

    hidden = path.replace("/c1/", f"/{telemetry.hashed('c1')}/")
    assert [record.getMessage().split('"')[1] for record in caplog.records] == (
        [f"{method} {hidden} HTTP/1.1"] if logged else []
    )


def activities_in(answers: list[bytes]) -> list[dict[str, Any]]:
    return [activity for answer in answers for activity in json.loads(answer)["activities"]]


async def test_a_transcript_keeps_its_latest_activities_within_a_mebibyte(
    web_chat: DirectLineClient,
) -> None:
    await web_chat.start()
    padding = "x" * 200_000

    for n in range(8):
        status, _ = await web_chat.post(
            {"type": "message", "text": f"message {n}", "channelData": {"padding": padding}}
        )
        assert status == 200
    answers = await web_chat.poll_all()

    kept = activities_in(answers)
    assert texts(kept)[-3:] == [
        "message 7",
        "Sorry, I didn't get that. Please try asking in a different way",
        "What else can I do for you?",
    ]
    assert "message 2" not in texts(kept)
    assert sum(len(answer) for answer in answers) <= 1024 * 1024 + 64 * len(answers)
    # A poll answers at most 256 KiB, or one activity.
    assert all(
        len(answer) <= 256 * 1024 or len(json.loads(answer)["activities"]) == 1
        for answer in answers
    )


async def test_a_transcript_keeps_its_latest_1000_activities_and_a_poll_100(
    web_chat: DirectLineClient,
) -> None:
    await web_chat.start()
    for n in range(1100):
        await web_chat.reply({"type": "message", "text": f"reply {n}"})

    answers = await web_chat.poll_all()

    kept = activities_in(answers)
    assert len(kept) == 1000
    assert texts(kept) == [f"reply {n}" for n in range(100, 1100)]
    assert kept[0]["id"] == f"{web_chat.conversation_id}|0000102"
    assert [len(json.loads(answer)["activities"]) for answer in answers] == [100] * 10
    assert json.loads(answers[-1])["watermark"] == "1102"


async def test_polling_a_long_transcript_stalls_no_one(
    web_chat: DirectLineClient, http_session: ClientSession
) -> None:
    await web_chat.start()
    padding = "x" * 200_000
    for n in range(250):  # 50 MB, where a transcript was unbounded
        await web_chat.reply({"type": "message", "text": f"reply {n}", "padding": padding})

    async with HealthProbes(http_session, str(web_chat.base.join(URL("/healthz")))) as probes:
        for _ in range(10):
            await web_chat.poll_raw("0")

    # Nothing may stall the service over 100 ms; 50 ms more for a 2-core machine shared with
    # other test runs. Before: the whole transcript in every answer.
    assert probes.over(0.15) == []


async def test_one_client_cannot_take_every_conversation(web_chat: DirectLineClient) -> None:
    for _ in range(10):
        await DirectLineClient(web_chat.session, web_chat.base).get_token()

    async with web_chat.session.post(
        web_chat.base.join(URL("/v3/directline/tokens/generate"))
    ) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "1800"
        assert await response.json() == {
            "error": "too many conversations are open; try again in 1800 seconds"
        }
    # Another address still gets a conversation.
    other = TCPConnector(local_addr=("127.0.0.2", 0))
    async with ClientSession(connector=other) as session:
        token = await DirectLineClient(session, web_chat.base).get_token()
    assert token["token"]
