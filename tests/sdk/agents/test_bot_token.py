"""On the Agents SDK, the bot's token for the channel is fetched once, kept until it
expires, and never waited for past its deadline."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from channel.token_services import TokenServices
from sdk.agents.bot_token import REFRESH_BEFORE, BotToken, bot_token
from tests.conftest import EntraId, ManagedIdentityEndpoint, make_certificate

APP_ID = "8c7a2c41-91c9-4c4e-9f3a-2b1f0e6d5a10"
TENANT_ID = "0c9a4f23-5b1e-4d7a-8f2c-6e3b9d1a7c45"


def single_tenant(authority: str, timeout: float = 5.0) -> BotToken:
    services = TokenServices(authority=authority, validate_authority=False)
    return bot_token(APP_ID, "secret", "SingleTenant", TENANT_ID, services, timeout)


@pytest.fixture
def entra(entra_id: tuple[EntraId, str]) -> tuple[EntraId, str]:
    entra, authority = entra_id
    entra.apps[APP_ID] = "secret"
    return entra, authority


async def test_the_token_is_kept_until_shortly_before_it_expires(
    entra: tuple[EntraId, str],
) -> None:
    service, authority = entra
    # Kept for two seconds: msal, whose cache is asked in turn, keeps it as long.
    service.lifetime = int(REFRESH_BEFORE) + 2
    token = single_tenant(authority)

    first = await token.token()
    assert await token.token() == first
    await asyncio.sleep(2.1)
    second = await token.token()

    assert service.tokens == [first, second]
    assert service.requests == [(TENANT_ID, APP_ID, "https://api.botframework.com/.default")] * 2


async def test_callers_at_once_share_one_fetch(entra: tuple[EntraId, str]) -> None:
    service, authority = entra
    token = single_tenant(authority)

    tokens = await asyncio.gather(*(token.token() for _ in range(5)))

    assert tokens == service.tokens * 5
    assert len(service.requests) == 1


async def test_a_wrong_secret_gets_no_token(entra: tuple[EntraId, str]) -> None:
    service, authority = entra
    service.apps[APP_ID] = "another secret"

    with pytest.raises(ValueError, match="invalid_client"):
        await single_tenant(authority).token()
    assert service.tokens == []


@pytest.fixture
async def silent_authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """An authority that takes connections and never answers; requests trusts its
    certificate, though it never gets to show it."""
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    make_certificate(certificate, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))
    writers: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    yield f"https://{host}:{port}"
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_silent_authority_is_given_up_at_the_deadline(silent_authority: str) -> None:
    token = single_tenant(silent_authority, timeout=0.5)

    started = time.perf_counter()
    with pytest.raises(TimeoutError):
        await token.token()

    assert time.perf_counter() - started < 1.0
    # msal's own calls, in their thread, end by the same deadline.
    await asyncio.sleep(0.6)


async def test_a_user_assigned_identity_keeps_its_managed_identity_token(
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
) -> None:
    endpoint, _ = identity_endpoint
    token = bot_token(APP_ID, "", "UserAssignedMSI", TENANT_ID, TokenServices(), 5.0)

    assert [await token.token(), await token.token()] == endpoint.tokens * 2
    assert endpoint.requests == [("https://api.botframework.com", APP_ID)]
