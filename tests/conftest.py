"""Shared fixtures: a dialog test client, a stub recognizer, and the app over real HTTP."""

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from botbuilder.core import (
    AutoSaveStateMiddleware,
    ConversationState,
    IntentScore,
    MemoryStorage,
    RecognizerResult,
    TurnContext,
)
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import Dialog, DialogSet, DialogTurnResult, DialogTurnStatus
from botbuilder.schema import Activity, ActivityTypes

from app import create_app
from config import DefaultConfig
from helpers.luis_helper import booking_details, top_intent


@pytest.fixture
def today() -> str:
    return date.today().isoformat()


@pytest.fixture
def tomorrow() -> str:
    return (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def day_after_tomorrow() -> str:
    return (date.today() + timedelta(days=2)).isoformat()


class DialogTestClient:
    """Runs one dialog on botbuilder's TestAdapter, turn by turn, as botbuilder-testing does."""

    def __init__(self, dialog: Dialog, options: Any = None, channel_id: str = "test") -> None:
        self.conversation_state = ConversationState(MemoryStorage())
        dialogs = DialogSet(self.conversation_state.create_property("DialogState"))
        dialogs.add(dialog)
        self.result: DialogTurnResult | None = None

        async def turn(turn_context: TurnContext) -> None:
            dialog_context = await dialogs.create_context(turn_context)
            self.result = await dialog_context.continue_dialog()
            if self.result.status == DialogTurnStatus.Empty:
                self.result = await dialog_context.begin_dialog(dialog.id, options)

        self.adapter = TestAdapter(turn)
        self.adapter.template.channel_id = channel_id
        self.adapter.use(AutoSaveStateMiddleware([self.conversation_state]))

    async def send(self, activity: str | Activity) -> list[Activity]:
        """Send one user message and return every reply of that turn."""
        await self.adapter.receive_activity(activity)
        replies, self.adapter.activity_buffer = self.adapter.activity_buffer, []
        return replies

    async def say(self, activity: str | Activity) -> list[str | None]:
        """Send one user message and return the texts of the replies, exactly as sent."""
        return [reply.text for reply in await self.send(activity)]


class StubRecognizer:
    """Stands in for the language back end: returns a fixed result, or raises.

    A result made for a text (`luis_result(..., text=...)`) is returned for that message
    only; any other message gets the None intent, as a real model would give an answer
    such as `yes`. A result with no text is returned for every message.
    """

    def __init__(
        self,
        result: RecognizerResult | None = None,
        *,
        configured: bool = True,
        error: Exception | None = None,
    ) -> None:
        self.result = result or luis_result("None")
        self.configured = configured
        self.error = error
        self.calls = 0

    @property
    def is_configured(self) -> bool:
        return self.configured

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        self.calls += 1
        if self.error is not None:
            raise self.error
        if self.result.text and turn_context.activity.text != self.result.text:
            return luis_result("None", text=turn_context.activity.text or "")
        return self.result


def luis_result(
    *intents: str, text: str = "", entities: dict[str, Any] | None = None
) -> RecognizerResult:
    """A RecognizerResult in LUIS shape. The first intent named scores highest."""
    scores = {name: IntentScore(score=1.0 / (rank + 1)) for rank, name in enumerate(intents)}
    return RecognizerResult(
        text=text, intents=scores, entities=entities if entities is not None else {"$instance": {}}
    )


@pytest.fixture
def dev_config() -> DefaultConfig:
    """Local development settings: no app id (authentication off), no LUIS."""
    return DefaultConfig.from_env({"HOST": "127.0.0.1", "PORT": "0"})


class FailingStorage(MemoryStorage):
    """Memory storage whose next write fails, as a real store can."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next_write = False

    async def write(self, changes: dict[str, Any]) -> None:
        if self.fail_next_write:
            self.fail_next_write = False
            raise ConnectionError("storage unreachable")
        await super().write(changes)


class StubConnector:
    """A Bot Connector service on 127.0.0.1 that records what the bot posts to `serviceUrl`."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        self.app.router.add_post(
            "/v3/conversations/{conversation}/activities/{reply_to}", self._post
        )
        self._ids = itertools.count(1)

    async def _post(self, request: web.Request) -> web.Response:
        activity = await request.json()
        activity["_path"] = request.path
        activity["_authorization"] = request.headers.get("Authorization")
        self.received.append(activity)
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    def take(self) -> list[dict[str, Any]]:
        received, self.received = self.received, []
        return received


@asynccontextmanager
async def served(app: web.Application) -> AsyncIterator[TestServer]:
    """Serve `app` on 127.0.0.1 (a free port) for the length of the block."""
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def connector() -> AsyncIterator[tuple[StubConnector, str]]:
    stub = StubConnector()
    async with served(stub.app) as server:
        yield stub, str(server.make_url("/"))


class EmulatorClient:
    """Talks to /api/messages the way the Bot Framework Emulator does."""

    def __init__(
        self,
        session: ClientSession,
        url: str,
        connector: StubConnector,
        service_url: str,
        *,
        channel_id: str = "emulator",
        conversation_id: str = "conversation-1",
    ) -> None:
        self.session = session
        self.url = url
        self.connector = connector
        self.service_url = service_url
        self.channel_id = channel_id
        self.conversation_id = conversation_id
        self._ids = itertools.count(1)

    def in_conversation(
        self, conversation_id: str, service_url: str | None = None
    ) -> "EmulatorClient":
        """Another conversation with the same bot, its replies going to `service_url`."""
        return EmulatorClient(
            self.session,
            self.url,
            self.connector,
            service_url or self.service_url,
            conversation_id=conversation_id,
        )

    def activity(self, **fields: Any) -> dict[str, Any]:
        return {
            "type": ActivityTypes.message,
            "id": f"user-{next(self._ids)}",
            "channelId": self.channel_id,
            "serviceUrl": self.service_url,
            "conversation": {"id": self.conversation_id},
            "from": {"id": "user-1", "name": "User"},
            "recipient": {"id": "bot-1", "name": "Bot"},
            "locale": "en-US",
            **fields,
        }

    async def post(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """POST one activity; expect 201 and return what the bot sent to the connector."""
        async with self.session.post(self.url, json=body) as response:
            assert response.status == 201, await response.text()
        return self.connector.take()

    async def say(self, text: str) -> list[str | None]:
        return [reply.get("text") for reply in await self.post(self.activity(text=text))]

    async def join(self) -> list[dict[str, Any]]:
        return await self.post(
            self.activity(
                type=ActivityTypes.conversation_update,
                membersAdded=[{"id": "user-1", "name": "User"}, {"id": "bot-1", "name": "Bot"}],
            )
        )


@pytest.fixture
async def http_session() -> AsyncIterator[ClientSession]:
    async with ClientSession() as session:
        yield session


def flight_result(
    text: str,
    *,
    to: tuple[str, str | None] | None = None,
    origin: tuple[str, str | None] | None = None,
    timex: str | None = None,
    intent: str = "BookFlight",
) -> RecognizerResult:
    """What LUIS returns for a BookFlight utterance.

    `to`/`origin` are (the words said, the canonical Airport or None when the airport
    list does not have the city); the words must occur in `text`.
    """
    entities: dict[str, Any] = {"$instance": {}}
    for role, city in (("To", to), ("From", origin)):
        if city is None:
            continue
        said, canonical = city
        start = text.lower().index(said.lower())
        mention = {"startIndex": start, "endIndex": start + len(said), "text": said, "type": role}
        entities["$instance"][role] = [mention]
        composite: dict[str, Any] = {"$instance": {}}
        if canonical is not None:
            composite = {"$instance": {"Airport": [{**mention, "type": "Airport"}]}}
            composite["Airport"] = [[canonical]]
        entities[role] = [composite]
    if timex is not None:
        entities["datetime"] = [{"timex": [timex], "type": "date"}]
    return luis_result(intent, text=text, entities=entities)


StartBot = Callable[..., Awaitable[EmulatorClient]]


@pytest.fixture
async def start_bot(
    dev_config: DefaultConfig,
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
) -> AsyncIterator[StartBot]:
    """Start the real app on 127.0.0.1; return an Emulator-like client for it."""
    stub, service_url = connector
    async with AsyncExitStack() as stack:

        async def start(config: DefaultConfig = dev_config, **overrides: Any) -> EmulatorClient:
            server = await stack.enter_async_context(served(create_app(config, **overrides)))
            return EmulatorClient(
                http_session, str(server.make_url("/api/messages")), stub, service_url
            )

        yield start


def booking_of(
    result: RecognizerResult,
) -> tuple[str, str | None, str | None, str | None, list[str]]:
    """What the bot takes from a result: intent, destination, origin, date, unsupported cities."""
    details = booking_details(result)
    return (
        top_intent(result).value,
        details.destination,
        details.origin,
        details.travel_date,
        details.unsupported_airports,
    )
