"""Shared fixtures: a dialog test client, a stub recognizer, the app over real HTTP, and
local stand-ins for Azure Blob Storage (Azurite) and Cosmos DB."""

import asyncio
import datetime as dt
import gc
import ipaddress
import itertools
import os
import re
import resource
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

import jwt
import pytest
from aiohttp import ClientError, ClientSession, web
from aiohttp.test_utils import TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from yarl import URL

import sdk
from app import create_app
from config import DefaultConfig
from helpers.luis_helper import booking_details, top_intent
from recognizers.result import IntentScore, RecognizerResult
from sdk import (
    Activity,
    ActivityTypes,
    Dialog,
    DialogSet,
    DialogTurnResult,
    DialogTurnStatus,
    TurnContext,
)
from sdk.testing import TestAdapter
from storage.bot_state import ConversationState
from storage.dialog_state import DialogStateCodec
from storage.memory import MemoryStorage

# Tests of one build's own code (sdk/<build>/) run only in that build: the other build has
# neither the code nor its SDK.
collect_ignore_glob = [f"sdk/{build}/*" for build in ("botbuilder", "agents") if build != sdk.NAME]

# The year of a travel date that must be bookable (from today on), whatever day the suite
# runs: `f"march 3rd {NEXT_YEAR}"` is read as `f"{NEXT_YEAR}-03-03"`. A literal year goes by
# (2027's dates were refused as past from 2027-01-06). Not for February 29 (only a leap year
# has it) nor for a weekday named with its date.
NEXT_YEAR = date.today().year + 1


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
    """Runs one dialog on the SDK's test adapter, turn by turn, as botbuilder-testing does;
    its state is stored (as JSON, in memory) after every turn."""

    def __init__(self, dialog: Dialog, options: Any = None, channel_id: str = "test") -> None:
        self.storage = MemoryStorage()
        self.conversation_state = ConversationState(self.storage)
        dialogs = DialogSet(
            self.conversation_state.create_property("DialogState", DialogStateCodec(dialog))
        )
        dialogs.add(dialog)
        self._result: DialogTurnResult | None = None
        self._key: str | None = None

        async def turn(turn_context: TurnContext) -> None:
            dialog_context = await dialogs.create_context(turn_context)
            self._result = result = await dialog_context.continue_dialog()
            if result.status == DialogTurnStatus.Empty:
                self._result = await dialog_context.begin_dialog(dialog.id, options)
            await self.conversation_state.save_changes(turn_context)
            self._key = self.conversation_state.storage_key(turn_context)

        self.adapter = TestAdapter(turn, channel_id=channel_id)

    @property
    def result(self) -> DialogTurnResult:
        """The dialog's result after the last turn."""
        assert self._result is not None, "no turn has run yet"
        return self._result

    async def send(self, activity: str | Activity) -> list[Activity]:
        """Send one user message and return every reply of that turn."""
        return await self.adapter.send(activity)

    async def stored(self) -> dict[str, Any]:
        """The conversation's record, as the store keeps it."""
        assert self._key is not None, "no turn has run yet"
        return (await self.storage.read([self._key]))[self._key]

    async def say(self, activity: str | Activity) -> list[str | None]:
        """Send one user message and return the texts of the replies, exactly as sent."""
        return [reply.text for reply in await self.send(activity)]


async def _no_logic(turn_context: TurnContext) -> None:
    pass


def turn_context_of(activity: Activity) -> TurnContext:
    """A turn context for `activity`, as the SDK's test adapter makes one."""
    return TestAdapter(_no_logic).turn_context(activity)


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


class SharedMemoryStorage(MemoryStorage):
    """Memory storage that presents itself as a store behind a connection, as Blob Storage
    and Cosmos DB do (open, close, problem): the bot reads and writes it as it does those,
    its calls traced and its activities remembered in the state."""

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def problem(self) -> str | None:
        return None


class FailingStorage(SharedMemoryStorage):
    """A store whose next write fails, as a real store's can."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next_write = False

    async def write(self, changes: dict[str, Any]) -> None:
        if self.fail_next_write:
            self.fail_next_write = False
            raise ConnectionError("storage unreachable")
        await super().write(changes)


class StubConnector:
    """A Bot Connector service on 127.0.0.1 that records what the bot posts to `serviceUrl`.

    While `answering` is clear, it records each reply and answers it only once it is set
    again; `holding` is set while a reply waits so.
    """

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        # While set: every post is answered with this (status, headers) and not kept.
        self.failing: tuple[int, dict[str, str]] | None = None
        # The statuses the next posts are answered with, and not kept (then as usual).
        self.next_failures: list[int] = []
        # The text of every post, kept or not.
        self.attempts: list[str | None] = []
        self.answering = asyncio.Event()
        self.answering.set()
        self.holding = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        self.app.router.add_post(
            "/v3/conversations/{conversation}/activities/{reply_to}", self._post
        )
        self._ids = itertools.count(1)

    async def _post(self, request: web.Request) -> web.Response:
        activity = await request.json()
        self.attempts.append(activity.get("text"))
        if self.failing is not None or self.next_failures:
            status, headers = self.failing or (self.next_failures.pop(0), {})
            return web.json_response({"error": {"code": "Failing"}}, status=status, headers=headers)
        activity["_path"] = request.path
        activity["_raw_path"] = request.raw_path
        activity["_authorization"] = request.headers.get("Authorization")
        activity["_traceparent"] = request.headers.get("traceparent")
        activity["_tracestate"] = request.headers.get("tracestate")
        activity["_user_agent"] = request.headers.get("User-Agent")
        self.received.append(activity)
        if not self.answering.is_set():
            self.holding.set()
            await self.answering.wait()
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    def take(self) -> list[dict[str, Any]]:
        received, self.received = self.received, []
        return received


@asynccontextmanager
async def served(
    app: web.Application, tls: ssl.SSLContext | None = None
) -> AsyncIterator[TestServer]:
    """Serve `app` on 127.0.0.1 (a free port) for the length of the block; over HTTPS with
    `tls`."""
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(ssl=tls)
    try:
        yield server
    finally:
        await server.close()


class HangingConnector:
    """A Bot Connector that accepts each reply and never answers."""

    def __init__(self) -> None:
        self.calls = 0
        self.arrived: asyncio.Queue[None] = asyncio.Queue()  # one item for each call
        self.release = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{tail:.*}", self._hang)

    async def _hang(self, request: web.Request) -> web.Response:
        self.calls += 1
        self.arrived.put_nowait(None)
        await self.release.wait()
        return web.json_response({"id": "late"})


@pytest.fixture
async def hanging_service_url() -> AsyncIterator[tuple[HangingConnector, str]]:
    hanging = HangingConnector()
    async with served(hanging.app) as server:
        yield hanging, str(server.make_url("/"))
        hanging.release.set()


@pytest.fixture
async def connector() -> AsyncIterator[tuple[StubConnector, str]]:
    stub = StubConnector()
    async with served(stub.app) as server:
        yield stub, str(server.make_url("/"))


TcpHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def tcp_server(handle: TcpHandler) -> AsyncIterator[int]:
    """Serve `handle` on 127.0.0.1 (a free port, yielded) for the length of the block.
    Leaving it closes the connections still open, as a server that stops does: since
    Python 3.12 the server's `wait_closed` waits for them, and HTTP clients keep them alive."""
    open_connections: dict[asyncio.StreamWriter, asyncio.Task[None]] = {}

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        open_connections[writer] = asyncio.current_task()  # type: ignore[assignment]  # in a task
        try:
            await handle(reader, writer)
        finally:
            del open_connections[writer]
            writer.close()

    server = await asyncio.start_server(tracked, "127.0.0.1", 0)
    async with server:
        try:
            yield server.sockets[0].getsockname()[1]
        finally:
            for writer in open_connections:
                writer.close()
            # Their handlers end once they see the close; a handler cancelled with the
            # loop instead is an error in asyncio's log on 3.11.
            if open_connections:
                await asyncio.wait(open_connections.values(), timeout=5)


async def pipe(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, record: bytearray | None = None
) -> None:
    """Copy `reader` to `writer` until it ends, keeping a copy in `record`; then close."""
    try:
        while data := await reader.read(65536):
            if record is not None:
                record += data
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


def reset(writer: asyncio.StreamWriter) -> None:
    """Drop the connection with a reset (RST), as a load balancer that forgot it does."""
    linger = struct.pack("ii", 1, 0)
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    writer.transport.abort()


class RecordingProxy:
    """An HTTP proxy on 127.0.0.1, as a company's egress proxy is: it tunnels CONNECT, forwards
    plain HTTP requests (which name the whole URL), and keeps every byte each client connection
    sent it. With `refuse` set, it answers CONNECT with that status instead; with `answering`
    clear, it answers nothing (`asked` is set when a request arrives), and sets `abandoned`
    when the client gives up and closes."""

    def __init__(self) -> None:
        self.url = ""
        self.refuse: int | None = None
        self.answering = True
        self.asked = asyncio.Event()
        self.abandoned = asyncio.Event()
        self.sent: list[bytearray] = []  # for each client connection

    def request_lines(self) -> list[str]:
        """The request lines the proxy was sent (a tunnel's are TLS, so not among them)."""
        return [
            line.decode()
            for sent in self.sent
            # A request line follows the last request's body, with no line break.
            for line in re.findall(rb"[A-Z]+ \S+ HTTP/1\.1(?=\r\n)", bytes(sent))
        ]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sent = bytearray()
        self.sent.append(sent)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        sent += head
        if not self.answering:
            self.asked.set()
            if await reader.read() == b"":
                self.abandoned.set()
            return
        method, target, _ = head.split(b" ", 2)
        if method == b"CONNECT":
            if self.refuse is not None:
                writer.write(b"HTTP/1.1 %d No\r\nContent-Length: 0\r\n\r\n" % self.refuse)
                return
            host, port = target.decode().rsplit(":", 1)
            upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            url = URL(target.decode())
            upstream_reader, upstream_writer = await asyncio.open_connection(url.host, url.port)
            upstream_writer.write(head)
        await asyncio.gather(pipe(reader, upstream_writer, sent), pipe(upstream_reader, writer))


@pytest.fixture
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 must not go through a proxy the machine happens to have."""
    for name in os.environ:
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture
async def proxy() -> AsyncIterator[RecordingProxy]:
    proxy = RecordingProxy()
    async with tcp_server(proxy.handle) as port:
        proxy.url = f"http://127.0.0.1:{port}"
        yield proxy


class EmulatorClient:
    """Talks to /api/messages the way the Bot Framework Emulator does.

    Activity ids are unique across clients, as a channel's are: two clients may talk to two
    instances sharing a store, which tell activities apart by their ids. `id_prefix` keeps
    them apart from the ids of a conversation stored by another process (`user-1`, ...).
    """

    _ids = itertools.count(1)

    def __init__(
        self,
        session: ClientSession,
        url: str,
        connector: StubConnector,
        service_url: str,
        *,
        channel_id: str = "emulator",
        conversation_id: str = "conversation-1",
        id_prefix: str = "user",
    ) -> None:
        self.session = session
        self.id_prefix = id_prefix
        self.url = url
        self.connector = connector
        self.service_url = service_url
        self.channel_id = channel_id
        self.conversation_id = conversation_id

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
            "id": f"{self.id_prefix}-{next(self._ids)}",
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


def shown(reply: dict[str, Any]) -> str | None:
    """What the user reads of a reply: its text, or its hero card's (the confirmation on
    channels without suggested actions, such as Slack)."""
    hero = "application/vnd.microsoft.card.hero"
    cards = [card for card in reply.get("attachments") or [] if card.get("contentType") == hero]
    return reply.get("text") or next((card["content"].get("text") for card in cards), None)


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


class ManagedIdentityEndpoint:
    """The managed identity endpoint App Service gives an app (IDENTITY_ENDPOINT and
    IDENTITY_HEADER, API version 2019-08-01), on 127.0.0.1: for the resource asked, a token
    shaped as Microsoft Entra ID's (issuer, audience, lifetime; signed with a key of its own,
    which nobody here checks). Keeps each request's resource and client id."""

    TENANT = "0c9a4f23-5b1e-4d7a-8f2c-6e3b9d1a7c45"
    SECRET = "identity-header-secret"

    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []
        self.tokens: list[str] = []
        self.issuer = f"https://sts.windows.net/{self.TENANT}/"
        self.app = web.Application()
        self.app.router.add_get("/msi/token", self._token)

    async def _token(self, request: web.Request) -> web.Response:
        if request.headers.get("X-IDENTITY-HEADER") != self.SECRET:
            return web.json_response(
                {"statusCode": 400, "message": "no identity header"}, status=400
            )
        resource = request.query["resource"]
        client_id = request.query.get("client_id")
        self.requests.append((resource, client_id))
        now = int(time.time())
        token = jwt.encode(
            {
                "aud": resource,
                "iss": self.issuer,
                "tid": self.TENANT,
                "appid": client_id,
                "iat": now,
                "nbf": now - 60,
                "exp": now + 3600,
            },
            "the endpoint's own key, at least 32 bytes long",
            algorithm="HS256",
        )
        self.tokens.append(token)
        return web.json_response(
            {
                "access_token": token,
                "expires_on": str(now + 3600),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": client_id,
            }
        )

    def environ(self, url: str) -> dict[str, str]:
        """The variables App Service sets for an app with a managed identity."""
        return {"IDENTITY_ENDPOINT": url, "IDENTITY_HEADER": self.SECRET}


@pytest.fixture
async def identity_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[ManagedIdentityEndpoint, dict[str, str]]]:
    """The managed identity endpoint, and its variables, which are set in this process too
    (msal and azure-identity read them there); other token sources' variables are removed."""
    endpoint = ManagedIdentityEndpoint()
    async with served(endpoint.app) as server:
        environ = endpoint.environ(str(server.make_url("/msi/token")))
        for name in TOKEN_SOURCE_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        yield endpoint, environ


class EntraId:
    """Microsoft Entra ID's token service for apps, on 127.0.0.1 (over HTTPS: msal takes no
    other authority): each tenant's OpenID configuration, and the OAuth2 client-credentials
    grant (v2.0), which gives an app whose secret it knows a token for the scope asked
    (shaped as Entra ID's; signed with a key of its own, which nobody here checks). Keeps
    each token request's tenant, client and scope, and the tokens it issued."""

    def __init__(self, apps: dict[str, str], *, lifetime: int = 3600) -> None:
        self.apps = apps  # client id: secret
        self.lifetime = lifetime
        self.requests: list[tuple[str, str, str]] = []
        self.tokens: list[str] = []
        # Each connection closed after its answer: msal's requests session, which keeps
        # connections open for as long as it lives, would keep the server's open past the
        # test.
        self.app = web.Application(middlewares=[_closing_connection])
        self.app.router.add_get(
            "/{tenant}/v2.0/.well-known/openid-configuration", self._configuration
        )
        self.app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)

    async def _configuration(self, request: web.Request) -> web.Response:
        tenant_url = request.url.with_path(f"/{request.match_info['tenant']}")
        return web.json_response(
            {
                "issuer": f"{tenant_url}/v2.0",
                "authorization_endpoint": f"{tenant_url}/oauth2/v2.0/authorize",
                "token_endpoint": f"{tenant_url}/oauth2/v2.0/token",
                "jwks_uri": f"{tenant_url}/discovery/v2.0/keys",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }
        )

    async def _token(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        form = await request.post()
        client_id, secret, scope = (
            str(form.get(name, "")) for name in ("client_id", "client_secret", "scope")
        )
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if self.apps.get(client_id) != secret:
            return web.json_response(
                {"error": "invalid_client", "error_description": "AADSTS7000215"}, status=401
            )
        self.requests.append((tenant, client_id, scope))
        now = int(time.time())
        token = jwt.encode(
            {
                "aud": scope.removesuffix("/.default"),
                "iss": f"{request.url.with_path(f'/{tenant}')}/v2.0",
                "tid": tenant,
                "azp": client_id,
                "ver": "2.0",
                "iat": now,
                "nbf": now - 60,
                "exp": now + self.lifetime,
            },
            "the service's own key, at least 32 bytes long",
            algorithm="HS256",
        )
        self.tokens.append(token)
        return web.json_response(
            {"token_type": "Bearer", "expires_in": self.lifetime, "access_token": token}
        )


@web.middleware
async def _closing_connection(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    response.force_close()
    return response


@pytest.fixture
async def entra_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[EntraId, str]]:
    """The Microsoft Entra ID stand-in, knowing no app yet, and its URL; its certificate is
    the one requests trusts in this process (REQUESTS_CA_BUNDLE: msal asks through
    requests)."""
    certificate, key = tmp_path / "entra-cert.pem", tmp_path / "entra-key.pem"
    make_certificate(certificate, key)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certificate, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))
    entra = EntraId({})
    async with served(entra.app, tls) as server:
        yield entra, str(server.make_url("")).rstrip("/")


# Where else msal and azure-identity look for a token.
TOKEN_SOURCE_VARIABLES = (
    "IDENTITY_SERVER_THUMBPRINT",
    "MSI_ENDPOINT",
    "MSI_SECRET",
    "IMDS_ENDPOINT",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_TENANT_ID",
    "AZURE_FEDERATED_TOKEN_FILE",
    "AZURE_TOKEN_CREDENTIALS",
)


StartBot = Callable[..., Awaitable[EmulatorClient]]


class Recorded:
    """Telemetry kept in memory: the spans each turn ends, and the metrics when read."""

    def __init__(self) -> None:
        # Imported here: the rest of the suite runs without OpenTelemetry loaded.
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

        from telemetry.otel import OtelRecorder

        self.exporter = InMemorySpanExporter()
        self.reader = InMemoryMetricReader()
        self.recorder = OtelRecorder([SimpleSpanProcessor(self.exporter)], [self.reader])

    def turns(self) -> list[Any]:
        """The turns' (server) spans, in the order they ended."""
        return [span for span in self.exporter.get_finished_spans() if span.kind.name == "SERVER"]

    def children(self, turn: Any) -> list[Any]:
        """The spans whose parent is `turn`, in the order they ended."""
        return [
            span
            for span in self.exporter.get_finished_spans()
            if span.parent is not None and span.parent.span_id == turn.context.span_id
        ]

    def metric(self, name: str) -> dict[tuple[tuple[str, Any], ...], Any]:
        """Each series of metric `name`: its attributes (sorted pairs) to its sum (counters)
        or count (histograms)."""
        from opentelemetry.sdk.metrics.export import NumberDataPoint

        data = self.reader.get_metrics_data()
        series = {}
        for exported in data.resource_metrics if data else []:
            for scope in exported.scope_metrics:
                for metric in scope.metrics:
                    if metric.name != name:
                        continue
                    for point in metric.data.data_points:
                        attributes = tuple(sorted((point.attributes or {}).items()))
                        series[attributes] = (
                            point.value if isinstance(point, NumberDataPoint) else point.count
                        )
        return series


@pytest.fixture
def recorded() -> Recorded:
    return Recorded()


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


ROOT = Path(__file__).resolve().parent.parent
NODE_BIN = ROOT / "node_modules" / ".bin"
# Where the machine's Node.js is older than 22, `make` installs Node.js 24 here (Makefile,
# NODE); the stand-ins run on it when pytest is run by hand too.
for _node in (ROOT / "tools" / "node" / "node_modules").glob("node-*/bin"):
    os.environ["PATH"] = f"{_node}{os.pathsep}{os.environ['PATH']}"
# The well-known key of Azurite's development account (and of the Cosmos DB emulator).
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
COSMOS_KEY = (
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
)


def make(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`make` as a developer runs it (not as a recipe of the make running the tests)."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if name not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    }
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OpenableStorage(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def read(self, keys: list[str]) -> dict[str, Any]: ...

    async def write(self, changes: dict[str, Any]) -> None: ...


async def written_and_read(storage: OpenableStorage, key: str, item: dict[str, Any]) -> Any:
    """`item` written under `key` by `storage`, opened for this alone, and read back."""
    await storage.open()
    try:
        await storage.write({key: item})
        return (await storage.read([key]))[key]
    finally:
        await storage.close()


def blob_connection_string(port: int, key: str = AZURITE_KEY) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};"
        f"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
    )


def start_service(
    command: list[str], port: int, log: Path, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    """Start a local service in `cwd`; wait until it accepts connections on 127.0.0.1:`port`."""
    if not Path(command[0]).exists():
        raise RuntimeError(f"{command[0]} is missing: `make test` installs it with npm ci")
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=cwd)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited: {log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{command[0]} did not listen on port {port} within 60 s")


def stop_service(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class LocalService:
    """A stand-in the test can stop and start again on the same port, or freeze (SIGSTOP)
    and thaw (SIGCONT)."""

    def __init__(self, command: list[str], port: int, log: Path, cwd: Path = ROOT) -> None:
        self.command = command
        self.port = port
        self.log = log
        self.cwd = cwd
        self.process = start_service(command, port, log, cwd)

    def stop(self) -> None:
        self.thaw()  # a frozen process would not see SIGTERM
        stop_service(self.process)

    def start(self) -> None:
        self.process = start_service(self.command, self.port, self.log, self.cwd)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def azurite_command(port: int, *storage: str) -> list[str]:
    """Azurite's blob service on 127.0.0.1:`port`, keeping its data as `storage` says.

    `--skipApiVersionCheck`: azure-storage-blob 12.31 sends the service's API version
    2026-10-06, one newer than Azurite 3.37 knows (2026-06-06), which it otherwise refuses.
    """
    return [
        str(NODE_BIN / "azurite-blob"),
        *("--blobHost", "127.0.0.1", "--blobPort", str(port)),
        *storage,
        *("--skipApiVersionCheck", "--silent", "--disableTelemetry"),
    ]


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Azurite's blob service on 127.0.0.1, in memory, for the whole session; its port."""
    workspace = tmp_path_factory.mktemp("azurite")
    port = free_port()
    process = start_service(
        azurite_command(port, "--inMemoryPersistence"),
        port,
        workspace / "azurite.log",
        cwd=workspace,
    )
    yield port
    stop_service(process)


@pytest.fixture(scope="session")
def azurite_oauth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Azurite's blob service over HTTPS, taking bearer tokens too (`--oauth basic`: it checks
    a token's issuer, audience and lifetime, not its signature), in memory, for the whole
    session: its blob service URL and its certificate's file."""
    workspace = tmp_path_factory.mktemp("azurite-oauth")
    certificate, key = workspace / "cert.pem", workspace / "key.pem"
    make_certificate(certificate, key)
    port = free_port()
    process = start_service(
        azurite_command(
            port,
            "--inMemoryPersistence",
            *("--oauth", "basic", "--cert", str(certificate), "--key", str(key)),
        ),
        port,
        workspace / "azurite.log",
        cwd=workspace,
    )
    yield f"https://127.0.0.1:{port}/devstoreaccount1", str(certificate)
    stop_service(process)


@pytest.fixture
def own_azurite(tmp_path: Path) -> Iterator[LocalService]:
    """An Azurite of this test's own, which it may stop or freeze; its data is kept on disk,
    so that it survives a restart."""
    port = free_port()
    service = LocalService(
        azurite_command(port, "--location", str(tmp_path)), port, tmp_path / "azurite.log", tmp_path
    )
    yield service
    service.stop()


@pytest.fixture
def blob_environ(azurite: int) -> dict[str, str]:
    """Settings for blob storage on Azurite, in a container of this test's own."""
    return {
        "STORAGE": "blob",
        "BlobConnectionString": blob_connection_string(azurite),
        "BlobContainerName": f"test-{uuid.uuid4().hex[:16]}",
    }


def cosmos_db_server(workspace: Path) -> LocalService:
    """@vercel/cosmosdb-server, a Node implementation of the Cosmos DB REST API (in memory),
    over HTTPS on 127.0.0.1 with a certificate made for it in `workspace` (cert.pem)."""
    certificate, key = workspace / "cert.pem", workspace / "key.pem"
    make_certificate(certificate, key)
    port = free_port()
    serve = (
        "const fs = require('fs');"
        "const { createHttpsServer } = require('@vercel/cosmosdb-server');"
        "createHttpsServer({ cert: fs.readFileSync(process.argv[1]),"
        " key: fs.readFileSync(process.argv[2]) }).listen(+process.argv[3], '127.0.0.1');"
    )
    return LocalService(
        ["/usr/bin/env", "node", "-e", serve, str(certificate), str(key), str(port)],
        port,
        workspace / "cosmos.log",
    )


@pytest.fixture(scope="session")
def cosmos_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The Cosmos DB stand-in for the whole session; its endpoint and certificate's file."""
    workspace = tmp_path_factory.mktemp("cosmos")
    server = cosmos_db_server(workspace)
    yield f"https://127.0.0.1:{server.port}/", str(workspace / "cert.pem")
    server.stop()


@pytest.fixture
def own_cosmos_db(tmp_path: Path) -> Iterator[LocalService]:
    """A Cosmos DB stand-in of this test's own, which it may stop or freeze; its endpoint is
    https://127.0.0.1:{port}/ and its certificate tmp_path / "cert.pem"."""
    server = cosmos_db_server(tmp_path)
    yield server
    server.stop()


def make_certificate(certificate: Path, key: Path) -> None:
    """A self-signed certificate for 127.0.0.1, valid for a day."""
    private_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private_key, hashes.SHA256())
    )
    certificate.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


class AppProcess:
    """`python app.py` in a process of its own, as `make run` starts it."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process = process
        self.url = url

    async def exited(self) -> bytes:
        """Wait for the process to end by itself; its log (stderr)."""
        _, stderr = await asyncio.wait_for(self.process.communicate(), 30)
        return stderr

    async def stop(self) -> bytes:
        """SIGTERM, as App Service sends; the process's log (stderr)."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(self.process.communicate(), 20)
        return stderr


async def start_app_process(
    environ: dict[str, str],
    session: ClientSession,
    *,
    expect_start: bool = True,
    open_files: int | None = None,
    python: str = sys.executable,
    cwd: Path | None = None,
) -> AppProcess:
    """Start app.py with `environ` on a free port; when `expect_start`, wait until it serves.
    `cwd`: the copy of the repository to run it from (default: this one).

    `open_files`: the most files the process may open (its RLIMIT_NOFILE, soft and hard).
    `python`: the interpreter to run it with (another build's, with `BOT_SDK` in `environ`).
    """
    port = free_port()

    def limit_open_files() -> None:
        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    process = await asyncio.create_subprocess_exec(
        python,
        "app.py",
        cwd=cwd or ROOT,
        env={
            # Nor the machine's proxies: the stub channel is on 127.0.0.1.
            **{
                name: value
                for name, value in os.environ.items()
                if name != "MicrosoftAppId" and not name.lower().endswith("_proxy")
            },
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "RECOGNIZER": "embedded",
            **environ,
        },
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=limit_open_files,
    )
    app = AppProcess(process, f"http://127.0.0.1:{port}/api/messages")
    if expect_start:
        for _ in range(200):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz"):
                    return app
            except ClientError:
                if process.returncode is not None:
                    raise RuntimeError((await app.stop()).decode()) from None
                await asyncio.sleep(0.1)
        process.kill()
        raise RuntimeError("app.py did not serve within 20 s")
    return app


@pytest.fixture
async def bot_process(
    connector: tuple[StubConnector, str], http_session: ClientSession
) -> AsyncIterator[EmulatorClient]:
    """`python app.py` (embedded recognizer, memory storage) in a process of its own; an
    Emulator-like client for it. The process's log must hold no traceback."""
    stub, service_url = connector
    app = await start_app_process({}, http_session)
    try:
        yield EmulatorClient(http_session, app.url, stub, service_url)
    finally:
        log = await app.stop()
    assert b"Traceback" not in log, log.decode(errors="replace")


# The test venvs `make test` builds for each build (and type-checks it in).
BUILD_VENVS = {"botbuilder": ".venv-test-botbuilder-3.11", "agents": ".venv-test-agents-3.13"}


@pytest.fixture
def other_build() -> tuple[str, str]:
    """The build this suite does not run on, and the Python of its venv (`make test` builds
    both; COREBOT_OTHER_PYTHON names another)."""
    build = next(name for name in BUILD_VENVS if name != sdk.NAME)
    python = os.environ.get("COREBOT_OTHER_PYTHON") or str(ROOT / BUILD_VENVS[build] / "bin/python")
    if not Path(python).exists():
        pytest.fail(f"the {build} build's venv is missing ({python}): `make test` builds it")
    return build, python


@pytest.fixture
def without_pkg_resources(tmp_path: Path) -> dict[str, str]:
    """The environment for `python app.py` in which `import pkg_resources` fails, as it does
    on Python 3.12 and later without setuptools, and with setuptools 82 or later."""
    (tmp_path / "pkg_resources.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pkg_resources'\", name='pkg_resources')\n"
    )
    return {"PYTHONPATH": str(tmp_path)}


class HealthProbes:
    """Asks `GET /healthz` one request after another, 20 ms apart, for the length of the
    block, and keeps how long each answer took: what a load balancer's health check, or any
    other user, waits while the block runs."""

    def __init__(self, session: ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.took: list[float] = []
        self._running = True

    async def _probe(self) -> None:
        while self._running:
            started = time.perf_counter()
            async with self.session.get(self.url) as response:
                assert response.status == 200
                await response.read()
            self.took.append(time.perf_counter() - started)
            await asyncio.sleep(0.02)

    async def __aenter__(self) -> "HealthProbes":
        # A service in-process shares the test run's heap: what earlier tests left alive is
        # set aside, as the app freezes its start-up objects (app.tune_garbage_collector), so
        # that a collection's pause measures the service's objects, not the suite's.
        gc.collect()
        gc.freeze()
        self._task = asyncio.create_task(self._probe())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._running = False
        await self._task
        gc.unfreeze()

    def over(self, seconds: float) -> list[float]:
        return [took for took in self.took if took > seconds]


def health_url(url: str) -> str:
    """The `/healthz` of the service whose `/api/messages` (or any other path) is `url`."""
    return str(URL(url).with_path("/healthz").with_query(None))


async def conversations_in_turn(session: ClientSession, url: str, count: int) -> None:
    """Wait until the service at `url` has `count` conversations in a turn."""
    while True:
        async with session.get(health_url(url)) as response:
            if (await response.json())["conversationsInTurn"] >= count:
                return
        await asyncio.sleep(0.01)
