"""OpenIdMetadata against real servers on 127.0.0.1: a key server, a hanging one, a dead proxy."""

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator
from itertools import pairwise
from typing import Any

import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from channel.signing_keys import (
    OpenIdMetadata,
    SigningKeysUnavailable,
    UnknownSigningKey,
)
from tests.conftest import served

KID = "key-1"
ENDORSEMENTS = ["emulator", "msteams"]
ISSUER = "https://issuer.example"
HOUR = 3600.0
pytestmark = pytest.mark.usefixtures("no_proxy_settings")


@pytest.fixture(scope="module")
def private_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(private_key: RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "endorsements": ENDORSEMENTS}


class KeyServer:
    """Serves OpenID metadata and its key set; counts hits and misbehaves on demand."""

    def __init__(self, jwk: dict[str, Any]) -> None:
        self.keys = [jwk]
        self.hits: Counter[str] = Counter()
        self.faults: dict[str, str] = {}  # document name -> "hang", "500", "html" or "empty"
        self.release = asyncio.Event()  # ends every hanging request
        self.app = web.Application()
        self.app.router.add_get("/openid", self._metadata)
        self.app.router.add_get("/keys", self._keys)
        self.metadata_url = ""

    async def _metadata(self, request: web.Request) -> web.StreamResponse:
        return await self._serve("metadata", {"jwks_uri": str(request.url.with_path("/keys"))})

    async def _keys(self, request: web.Request) -> web.StreamResponse:
        return await self._serve("keys", {"keys": self.keys})

    async def _serve(self, document: str, body: dict[str, Any]) -> web.StreamResponse:
        self.hits[document] += 1
        fault = self.faults.get(document)
        if fault == "hang":
            await self.release.wait()
        if fault == "500":
            return web.Response(status=500)
        if fault == "html":
            return web.Response(text="<html>busy</html>", content_type="text/html")
        if fault == "empty":
            return web.json_response({})
        return web.json_response(body)


@pytest.fixture
async def keys(private_key: RSAPrivateKey) -> AsyncIterator[KeyServer]:
    server = KeyServer(public_jwk(private_key, KID))
    async with served(server.app) as running:
        server.metadata_url = str(running.make_url("/openid"))
        yield server
        server.release.set()


def make_stale(metadata: OpenIdMetadata, age: float) -> None:
    metadata._fetched_at = time.monotonic() - age


async def test_returns_the_key_and_its_endorsements(keys: KeyServer) -> None:
    key = await OpenIdMetadata(keys.metadata_url).get(KID)

    published = RSAAlgorithm.from_jwk(keys.keys[0])
    assert isinstance(published, RSAPublicKey)
    assert key.public_key.public_numbers() == published.public_numbers()
    assert key.endorsements == ENDORSEMENTS


async def test_second_get_uses_the_cached_keys(keys: KeyServer) -> None:
    metadata = OpenIdMetadata(keys.metadata_url)
    first = await metadata.get(KID)

    assert await metadata.get(KID) is first
    assert keys.hits == {"metadata": 1, "keys": 1}


async def test_concurrent_gets_share_one_fetch(keys: KeyServer) -> None:
    metadata = OpenIdMetadata(keys.metadata_url)

    found = await asyncio.gather(*(metadata.get(KID) for _ in range(10)))

    assert len({id(key) for key in found}) == 1
    assert keys.hits == {"metadata": 1, "keys": 1}


@pytest.mark.parametrize("kid", ["no-such-key", None])
async def test_unknown_key_id_is_refused_without_refetching(
    keys: KeyServer, kid: str | None
) -> None:
    metadata = OpenIdMetadata(keys.metadata_url)

    with pytest.raises(UnknownSigningKey):
        await metadata.get(kid)
    assert keys.hits == {"metadata": 1, "keys": 1}


async def test_unknown_key_id_refetches_keys_older_than_an_hour(
    keys: KeyServer, private_key: RSAPrivateKey
) -> None:
    metadata = OpenIdMetadata(keys.metadata_url)
    await metadata.get(KID)
    keys.keys.append(public_jwk(private_key, "key-2"))
    make_stale(metadata, 2 * HOUR)

    assert (await metadata.get("key-2")).endorsements == ENDORSEMENTS
    assert keys.hits == {"metadata": 2, "keys": 2}


async def test_keys_older_than_a_day_are_refetched(keys: KeyServer) -> None:
    metadata = OpenIdMetadata(keys.metadata_url)
    await metadata.get(KID)
    make_stale(metadata, 25 * HOUR)

    await metadata.get(KID)

    assert keys.hits == {"metadata": 2, "keys": 2}


async def test_hanging_server_times_out_without_blocking_the_loop(keys: KeyServer) -> None:
    keys.faults["keys"] = "hang"
    ticks: list[float] = []

    async def tick() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.05)

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    with pytest.raises(SigningKeysUnavailable, match=r"no answer within 0\.5 s"):
        await OpenIdMetadata(keys.metadata_url, timeout=0.5).get(KID)
    elapsed = time.monotonic() - started
    ticker.cancel()

    assert 0.5 <= elapsed < 2
    assert len(ticks) >= 8
    assert max(b - a for a, b in pairwise(ticks)) < 0.2


@pytest.mark.parametrize(
    ("document", "fault", "reason"),
    [
        ("metadata", "500", "ClientResponseError: 500"),
        ("keys", "500", "ClientResponseError: 500"),
        ("metadata", "html", "JSONDecodeError"),
        ("keys", "html", "JSONDecodeError"),
        ("metadata", "empty", "KeyError: 'jwks_uri'"),
        ("keys", "empty", "KeyError: 'keys'"),
    ],
)
async def test_bad_answers_leave_keys_unavailable(
    keys: KeyServer, document: str, fault: str, reason: str
) -> None:
    keys.faults[document] = fault

    with pytest.raises(SigningKeysUnavailable, match=reason):
        await OpenIdMetadata(keys.metadata_url).get(KID)


async def test_failure_logs_one_warning_naming_the_url(
    keys: KeyServer, caplog: pytest.LogCaptureFixture
) -> None:
    keys.faults["metadata"] = "500"

    with pytest.raises(SigningKeysUnavailable):
        await OpenIdMetadata(keys.metadata_url).get(KID)

    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert keys.metadata_url in record.getMessage()
    assert record.exc_info is None


async def test_after_a_failure_callers_fail_at_once_until_retry_after(keys: KeyServer) -> None:
    keys.faults["metadata"] = "500"
    metadata = OpenIdMetadata(keys.metadata_url, retry_after=0.3)
    with pytest.raises(SigningKeysUnavailable):
        await metadata.get(KID)

    started = time.monotonic()
    with pytest.raises(SigningKeysUnavailable, match="ClientResponseError: 500"):
        await metadata.get(KID)
    assert time.monotonic() - started < 0.05
    assert keys.hits == {"metadata": 1}

    del keys.faults["metadata"]
    await asyncio.sleep(0.3)
    assert (await metadata.get(KID)).endorsements == ENDORSEMENTS


async def test_stale_keys_are_used_when_a_refresh_fails(keys: KeyServer) -> None:
    metadata = OpenIdMetadata(keys.metadata_url)
    key = await metadata.get(KID)
    make_stale(metadata, 25 * HOUR)
    keys.faults["metadata"] = "500"

    assert await metadata.get(KID) is key
    assert await metadata.get(KID) is key
    assert keys.hits == {"metadata": 2, "keys": 1}


async def test_ignores_a_refresh_left_by_another_event_loop(keys: KeyServer) -> None:
    metadata = OpenIdMetadata(keys.metadata_url)
    other_loop = asyncio.new_event_loop()
    metadata._refresh_task = other_loop.create_future()  # pending forever
    other_loop.close()

    assert (await metadata.get(KID)).endorsements == ENDORSEMENTS


class BlackHole:
    """A proxy on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self) -> None:
        self.connections: list[asyncio.StreamWriter] = []
        self.url = ""

    async def accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections.append(writer)


@pytest.fixture
async def black_hole() -> AsyncIterator[BlackHole]:
    proxy = BlackHole()
    server = await asyncio.start_server(proxy.accept, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    proxy.url = f"http://{host}:{port}"
    async with server:
        yield proxy
        for writer in proxy.connections:
            writer.close()
            await writer.wait_closed()


async def test_black_holed_network_through_a_proxy_times_out(
    black_hole: BlackHole, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", black_hole.url)
    metadata = OpenIdMetadata(
        "https://login.botframework.com/v1/.well-known/openidconfiguration", timeout=0.5
    )

    started = time.monotonic()
    with pytest.raises(SigningKeysUnavailable, match=r"no answer within 0\.5 s"):
        await metadata.get("x")

    assert time.monotonic() - started < 2
    assert len(black_hole.connections) == 1
