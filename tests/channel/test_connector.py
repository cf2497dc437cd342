"""BotConnector against stub Bot Connector services on 127.0.0.1."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from channel.connector import BotConnector, DeliveryFailed
from sdk import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ChannelId,
    ConversationAccount,
    InputHints,
)

# Shaped like a Teams channel thread and an Emulator conversation and activity.
TEAMS_CONVERSATION_ID = "19:abc@thread.tacv2;messageid=1699999999"
EMULATOR_CONVERSATION_ID = "4c1e|livechat"
ACTIVITY_ID = "4c1e|0000001"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Received:
    method: str
    path: str
    raw_path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Channel:
    """A stub Bot Connector service and the requests it has received."""

    url: str
    received: list[Received] = field(default_factory=list)

    @property
    def host(self) -> str:
        return self.url.removeprefix("http://").rstrip("/")


async def created(request: web.Request) -> web.Response:
    return web.json_response({"id": "from-the-channel"}, status=201)


class Hang:
    """A channel that has stopped answering, until the test ends."""

    def __init__(self) -> None:
        self.released = asyncio.Event()
        self.arrived: asyncio.Queue[None] = asyncio.Queue()

    async def __call__(self, request: web.Request) -> web.Response:
        self.arrived.put_nowait(None)
        await self.released.wait()
        return web.json_response({})


class FixedToken:
    """Signs with a fixed token, as the bot's identity would."""

    def __init__(self, token: str) -> None:
        self.value = token
        self.calls = 0

    async def token(self) -> str:
        self.calls += 1
        return self.value


class NoToken:
    async def token(self) -> str:
        raise PermissionError("Failed to get access token with error: invalid_client")


class SlowToken:
    """A token from an identity service that does not answer until released."""

    def __init__(self) -> None:
        self.released = asyncio.Event()

    async def token(self) -> str:
        await self.released.wait()
        return "late-token"


StartChannel = Callable[..., Awaitable[Channel]]


@pytest.fixture
async def start_channel() -> AsyncIterator[StartChannel]:
    async with AsyncExitStack() as stack:

        async def start(respond: Handler = created) -> Channel:
            async def record(request: web.Request) -> web.StreamResponse:
                received = Received(
                    request.method,
                    request.path,
                    request.raw_path,
                    dict(request.headers),
                    await request.read(),
                )
                channel.received.append(received)
                return await respond(request)

            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", record)
            server = await stack.enter_async_context(TestServer(app, host="127.0.0.1"))
            channel = Channel(str(server.make_url("/")))
            return channel

        yield start


@pytest.fixture
async def hang() -> AsyncIterator[Hang]:
    hang = Hang()
    yield hang
    hang.released.set()


@pytest.fixture
async def connector() -> AsyncIterator[BotConnector]:
    connector = BotConnector(timeout=0.5)
    await connector.open()
    yield connector
    await connector.close()


def message(
    service_url: str,
    conversation_id: str = TEAMS_CONVERSATION_ID,
    reply_to_id: str | None = None,
) -> Activity:
    activity = Activity(
        type=ActivityTypes.message,
        text="What can I help you with today?",
        input_hint=InputHints.expecting_input,
        service_url=service_url,
        channel_id=ChannelId("emulator"),
        conversation=ConversationAccount(id=conversation_id),
        from_property=ChannelAccount(id="bot", name="Bot"),
        recipient=ChannelAccount(id="user", name="User"),
    )
    if reply_to_id is not None:
        activity.reply_to_id = reply_to_id
    return activity


@pytest.mark.parametrize("trailing_slash", [True, False], ids=["slash", "no-slash"])
@pytest.mark.parametrize(
    ("conversation_id", "reply_to_id", "path", "raw_path"),
    [
        (
            TEAMS_CONVERSATION_ID,
            None,
            f"/v3/conversations/{TEAMS_CONVERSATION_ID}/activities",
            "/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D1699999999/activities",
        ),
        (
            EMULATOR_CONVERSATION_ID,
            ACTIVITY_ID,
            f"/v3/conversations/{EMULATOR_CONVERSATION_ID}/activities/{ACTIVITY_ID}",
            "/v3/conversations/4c1e%7Clivechat/activities/4c1e%7C0000001",
        ),
    ],
    ids=["send-to-conversation", "reply-to-activity"],
)
async def test_send_posts_to_the_conversation(
    connector: BotConnector,
    start_channel: StartChannel,
    trailing_slash: bool,
    conversation_id: str,
    reply_to_id: str | None,
    path: str,
    raw_path: str,
) -> None:
    channel = await start_channel()
    service_url = channel.url if trailing_slash else channel.url.rstrip("/")

    response = await connector.send(message(service_url, conversation_id, reply_to_id))

    assert response.id == "from-the-channel"
    (received,) = channel.received
    assert (received.method, received.path, received.raw_path) == ("POST", path, raw_path)


@pytest.mark.parametrize(
    ("conversation_id", "reply_to_id", "raw_path"),
    [
        ("..", ".", "/v3/conversations/%2E%2E/activities/%2E"),
        (".", "..", "/v3/conversations/%2E/activities/%2E%2E"),
        ("...", "a.b", "/v3/conversations/.../activities/a.b"),
    ],
    ids=["dot-dot", "dot", "not-dot-segments"],
)
async def test_ids_that_are_dot_segments_are_encoded(
    connector: BotConnector,
    start_channel: StartChannel,
    conversation_id: str,
    reply_to_id: str,
    raw_path: str,
) -> None:
    channel = await start_channel()

    await connector.send(message(channel.url, conversation_id, reply_to_id))

    (received,) = channel.received
    assert received.raw_path == raw_path


async def test_a_reply_names_its_conversation_in_a_header_as_the_sdk_does(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    channel = await start_channel()

    await connector.send(message(channel.url, EMULATOR_CONVERSATION_ID, ACTIVITY_ID))

    assert channel.received[0].headers["x-ms-conversation-id"] == EMULATOR_CONVERSATION_ID


async def test_the_body_is_the_json_the_sdk_connector_client_sends(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    channel = await start_channel()
    activity = message(channel.url, reply_to_id=ACTIVITY_ID)

    await connector.send(activity)

    (received,) = channel.received
    assert received.headers["Content-Type"].startswith("application/json")
    body = json.loads(received.body)
    assert body["replyToId"] == ACTIVITY_ID
    assert body["inputHint"] == "expectingInput"
    assert body["conversation"]["id"] == TEAMS_CONVERSATION_ID
    assert body["from"] == {"id": "bot", "name": "Bot"}
    assert body["text"] == "What can I help you with today?"


@pytest.mark.parametrize(
    "answer",
    [web.Response(status=202), web.Response(text="accepted", status=200)],
    ids=["empty", "not-json"],
)
async def test_a_success_without_an_id_gives_an_empty_resource_response(
    connector: BotConnector, start_channel: StartChannel, answer: web.Response
) -> None:
    async def respond(request: web.Request) -> web.Response:
        return answer

    channel = await start_channel(respond)

    response = await connector.send(message(channel.url))

    assert response.id is None


async def test_without_a_token_there_is_no_authorization_header(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    channel = await start_channel()

    await connector.send(message(channel.url), None)

    assert "Authorization" not in channel.received[0].headers


async def test_each_call_carries_the_bots_token(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    channel = await start_channel()
    auth = FixedToken("token-1")

    await connector.send(message(channel.url), auth)
    await connector.send(message(channel.url), auth)

    assert [r.headers["Authorization"] for r in channel.received] == ["Bearer token-1"] * 2
    assert auth.calls == 2


async def test_no_token_is_a_delivery_failure(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    channel = await start_channel()

    with pytest.raises(DeliveryFailed) as failure:
        await connector.send(message(channel.url), NoToken())

    assert str(failure.value) == (
        f"send_to_conversation to {channel.host} failed: no access token (PermissionError)"
    )
    assert channel.received == []


async def test_a_slow_token_counts_against_the_same_deadline(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    channel = await start_channel()
    auth = SlowToken()
    started = time.monotonic()

    try:
        with pytest.raises(DeliveryFailed) as failure:
            await connector.send(message(channel.url), auth)
    finally:
        auth.released.set()

    assert time.monotonic() - started < 1
    assert str(failure.value) == f"send_to_conversation to {channel.host} failed: timed out"
    assert channel.received == []


async def test_a_hanging_channel_times_out_and_holds_up_no_one_else(
    connector: BotConnector, start_channel: StartChannel, hang: Hang
) -> None:
    hanging, healthy = await start_channel(hang), await start_channel()
    started = time.monotonic()
    # More stuck sends than the default thread pool that ConnectorClient runs them in.
    stuck = [asyncio.create_task(connector.send(message(hanging.url))) for _ in range(8)]
    for _ in stuck:
        await hang.arrived.get()

    sent = time.monotonic()
    response = await connector.send(message(healthy.url))
    assert time.monotonic() - sent < 0.3
    assert response.id == "from-the-channel"

    async with asyncio.timeout(2):
        failures = await asyncio.gather(*stuck, return_exceptions=True)
    for failure in failures:
        assert isinstance(failure, DeliveryFailed)
        assert str(failure) == f"send_to_conversation to {hanging.host} failed: timed out"
    assert time.monotonic() - started < 2


async def test_a_server_error_names_the_status_and_not_the_body(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    async def fail(request: web.Request) -> web.Response:
        return web.Response(status=500, text='{"error": {"message": "Traceback ..."}}')

    channel = await start_channel(fail)

    with pytest.raises(DeliveryFailed) as failure:
        await connector.send(message(channel.url))

    assert str(failure.value) == f"send_to_conversation to {channel.host} failed: HTTP 500"


def answering(*answers: tuple[int, dict[str, str]]) -> Handler:
    """A channel that gives these answers (status, headers) in turn, then 201 to everything."""
    waiting = list(answers)

    async def respond(request: web.Request) -> web.Response:
        if waiting:
            status, headers = waiting.pop(0)
            return web.json_response({"error": {"code": "x"}}, status=status, headers=headers)
        return await created(request)

    return respond


@pytest.mark.parametrize("status", [408, 429, 503])
async def test_an_answer_that_says_the_call_was_not_taken_is_tried_again(
    connector: BotConnector, start_channel: StartChannel, status: int
) -> None:
    channel = await start_channel(answering((status, {}), (status, {})))

    response = await connector.send(message(channel.url))

    assert response.id == "from-the-channel"
    assert len(channel.received) == 3


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_an_answer_that_leaves_it_unknown_is_tried_again_once(
    connector: BotConnector, start_channel: StartChannel, status: int
) -> None:
    once = await start_channel(answering((status, {})))
    twice = await start_channel(answering((status, {}), (status, {})))

    assert (await connector.send(message(once.url))).id == "from-the-channel"
    with pytest.raises(DeliveryFailed, match=f"failed: HTTP {status}"):
        await connector.send(message(twice.url))
    assert (len(once.received), len(twice.received)) == (2, 2)


async def test_retry_after_is_waited_for_within_the_deadline(start_channel: StartChannel) -> None:
    channel = await start_channel(answering((429, {"Retry-After": "1"})))
    connector = BotConnector(timeout=3)
    await connector.open()
    started = time.monotonic()
    try:
        response = await connector.send(message(channel.url))
    finally:
        await connector.close()

    assert response.id == "from-the-channel"
    assert len(channel.received) == 2
    assert 1 <= time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    ("answers", "tries"),
    [
        ([(429, {"Retry-After": "30"})], 1),
        ([(503, {})] * 100, None),
        ([(400, {})], 1),
        ([(403, {})], 1),
        ([(404, {})], 1),
    ],
    ids=["retry-after-past-the-deadline", "failing-on", "bad-request", "forbidden", "not-found"],
)
async def test_a_lasting_failure_or_a_refusal_is_a_delivery_failure_within_the_deadline(
    connector: BotConnector,
    start_channel: StartChannel,
    answers: list[tuple[int, dict[str, str]]],
    tries: int | None,
) -> None:
    channel = await start_channel(answering(*answers))
    started = time.monotonic()

    with pytest.raises(DeliveryFailed) as failure:
        await connector.send(message(channel.url))

    status = answers[0][0]
    assert str(failure.value) == f"send_to_conversation to {channel.host} failed: HTTP {status}"
    assert time.monotonic() - started < 0.5 + 0.3
    if tries is None:
        assert len(channel.received) > 1
    else:
        assert len(channel.received) == tries


async def test_a_refused_connection_is_a_delivery_failure(
    connector: BotConnector, unused_tcp_port: int
) -> None:
    with pytest.raises(DeliveryFailed) as failure:
        await connector.send(message(f"http://127.0.0.1:{unused_tcp_port}"))

    assert str(failure.value) == (
        f"send_to_conversation to 127.0.0.1:{unused_tcp_port} failed: connection refused"
    )


async def test_update_puts_the_activity(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    channel = await start_channel()
    activity = message(channel.url, EMULATOR_CONVERSATION_ID)
    activity.id = ACTIVITY_ID

    response = await connector.update(activity)

    assert response.id == "from-the-channel"
    (received,) = channel.received
    assert (received.method, received.raw_path) == (
        "PUT",
        "/v3/conversations/4c1e%7Clivechat/activities/4c1e%7C0000001",
    )
    assert json.loads(received.body)["text"] == "What can I help you with today?"


async def test_delete_deletes_the_activity(
    connector: BotConnector, start_channel: StartChannel
) -> None:
    async def deleted(request: web.Request) -> web.Response:
        return web.Response(status=200)

    channel = await start_channel(deleted)

    await connector.delete(channel.url, EMULATOR_CONVERSATION_ID, ACTIVITY_ID)

    (received,) = channel.received
    assert (received.method, received.raw_path, received.body) == (
        "DELETE",
        "/v3/conversations/4c1e%7Clivechat/activities/4c1e%7C0000001",
        b"",
    )


async def test_sending_needs_an_open_connector(start_channel: StartChannel) -> None:
    channel = await start_channel()
    connector = BotConnector()

    with pytest.raises(RuntimeError, match=r"open\(\)"):
        await connector.send(message(channel.url))

    await connector.open()
    await connector.close()
    with pytest.raises(RuntimeError, match=r"open\(\)"):
        await connector.send(message(channel.url))
    assert channel.received == []
