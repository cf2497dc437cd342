"""With an app id the bot checks every token, and a slow key service cannot freeze it."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from jwt.algorithms import RSAAlgorithm

from channel.token_services import TokenServices
from config import DefaultConfig
from tests.conftest import (
    EmulatorClient,
    EntraId,
    FailingStorage,
    ManagedIdentityEndpoint,
    StartBot,
    served,
)

APP_ID = "8c7a2c41-91c9-4c4e-9f3a-2b1f0e6d5a10"
TENANT_ID = "0c9a4f23-5b1e-4d7a-8f2c-6e3b9d1a7c45"
CHANNEL_ISSUER = "https://api.botframework.com"
# The Emulator's tokens: from Microsoft's Bot Framework tenant, for the bot, naming it as the
# app that asked for them.
EMULATOR_TENANT = "d6d49420-f39b-4df7-a1dc-d59a935871db"
EMULATOR_V1 = {
    "iss": f"https://sts.windows.net/{EMULATOR_TENANT}/",
    "aud": APP_ID,
    "tid": EMULATOR_TENANT,
    "ver": "1.0",
    "appid": APP_ID,
}
EMULATOR_V2 = {
    **EMULATOR_V1,
    "iss": f"https://login.microsoftonline.com/{EMULATOR_TENANT}/v2.0",
    "ver": "2.0",
    "appid": None,
    "azp": APP_ID,
}


@pytest.fixture(scope="module")
def signing_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def token(key: RSAPrivateKey, service_url: str, *, kid: str = "key-1", **claims: Any) -> str:
    payload = {
        "iss": CHANNEL_ISSUER,
        "aud": APP_ID,
        "serviceurl": service_url,
        "exp": int(time.time()) + 600,
        **claims,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def production(**settings: str) -> DefaultConfig:
    return DefaultConfig.from_env(
        {
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "secret",
            "MicrosoftAppTenantId": TENANT_ID,
            **settings,
        }
    )


async def post(emulator: EmulatorClient, body: dict[str, Any], bearer: str | None) -> int:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    async with emulator.session.post(emulator.url, json=body, headers=headers) as response:
        return response.status


class BlackHole:
    """A proxy that accepts connections and never answers: a network that swallows packets."""

    def __init__(self) -> None:
        self.accepted = 0
        self._writers: list[asyncio.StreamWriter] = []

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._writers.append(writer)

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    async def __aexit__(self, *exc_info: object) -> None:
        for writer in self._writers:
            writer.close()
        self._server.close()
        await self._server.wait_closed()


async def test_unreachable_signing_keys_give_503_quickly_and_others_are_served(
    start_bot: StartBot, signing_key: RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    black_hole = BlackHole()
    async with black_hole as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        emulator = await start_bot(production(OUTBOUND_TIMEOUT="1"))
        forged = token(signing_key, emulator.service_url)

        started = time.perf_counter()
        stuck = asyncio.create_task(post(emulator, emulator.activity(text="hi"), forged))
        await asyncio.sleep(0.1)
        assert await post(emulator, emulator.activity(text="hi"), None) == 401
        health_url = emulator.url.replace("/api/messages", "/healthz")
        async with emulator.session.get(health_url) as response:
            assert response.status == 200
        others_done = time.perf_counter() - started
        status = await stuck
        stuck_done = time.perf_counter() - started

        assert status == 503
        assert black_hole.accepted == 1
        assert others_done < 0.5
        assert stuck_done < 3
        # Until the retry pause ends, the next such request is answered at once.
        again = time.perf_counter()
        assert await post(emulator, emulator.activity(text="hi"), forged) == 503
        assert time.perf_counter() - again < 0.3
    assert emulator.connector.take() == []


class KeyServer:
    """The channel's OpenID metadata and signing keys, served on 127.0.0.1."""

    def __init__(self, key: RSAPrivateKey) -> None:
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        self.keys = {"keys": [{**jwk, "kid": "key-1", "use": "sig", "endorsements": ["emulator"]}]}
        self.app = web.Application()
        self.app.router.add_get("/openid", self._metadata)
        self.app.router.add_get("/keys", self._keys)

    async def _metadata(self, request: web.Request) -> web.Response:
        return web.json_response({"jwks_uri": str(request.url.with_path("/keys"))})

    async def _keys(self, request: web.Request) -> web.Response:
        return web.json_response(self.keys)


@pytest.fixture
async def key_server(signing_key: RSAPrivateKey) -> AsyncIterator[str]:
    """The channel's signing keys, served locally; the URL of their metadata."""
    async with served(KeyServer(signing_key).app) as server:
        yield str(server.make_url("/openid"))


@pytest.fixture
def services(key_server: str, entra_id: tuple[EntraId, str]) -> TokenServices:
    """The Bot Framework's token services, as in the public cloud but for the channel's and
    the Emulator's signing keys (`key_server`) and Microsoft Entra ID (`entra_id`, which
    knows the bot by its secret), which are local."""
    entra, authority = entra_id
    entra.apps[APP_ID] = "secret"
    return TokenServices(
        channel_metadata_url=key_server,
        emulator_metadata_url=key_server,
        authority=authority,
        # Microsoft does not know the stand-in's host as one of Entra ID's.
        validate_authority=False,
    )


async def join_and_fly_to_paris(emulator: EmulatorClient, valid: str) -> list[dict[str, Any]]:
    """The replies to a user who joins and says `fly to Paris`, each turn signed `valid`."""
    join = emulator.activity(type="conversationUpdate", membersAdded=[{"id": "user-1"}])
    assert await post(emulator, join, valid) == 201
    assert await post(emulator, emulator.activity(text="fly to Paris"), valid) == 201

    replies = emulator.connector.take()
    assert [reply.get("text") for reply in replies] == [
        None,
        "What can I help you with today?",
        "From what city will you be travelling?",
    ]
    return replies


async def test_a_user_assigned_identity_signs_replies_with_its_managed_identity_token(
    start_bot: StartBot,
    signing_key: RSAPrivateKey,
    services: TokenServices,
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
) -> None:
    endpoint, _ = identity_endpoint
    config = DefaultConfig.from_env(
        {
            "MicrosoftAppType": "UserAssignedMSI",
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppTenantId": TENANT_ID,
        }
    )
    emulator = await start_bot(config, services=services)
    valid = token(signing_key, emulator.service_url)

    replies = await join_and_fly_to_paris(emulator, valid)
    (issued,) = endpoint.tokens
    assert {reply["_authorization"] for reply in replies} == {f"Bearer {issued}"}
    assert endpoint.requests == [("https://api.botframework.com", APP_ID)]


@pytest.mark.parametrize(
    ("app_type", "tenant"),
    [("SingleTenant", TENANT_ID), ("MultiTenant", "botframework.com")],
    ids=["single-tenant", "multi-tenant"],
)
async def test_a_valid_token_is_served_and_replies_carry_the_bots_token(
    start_bot: StartBot,
    signing_key: RSAPrivateKey,
    services: TokenServices,
    entra_id: tuple[EntraId, str],
    app_type: str,
    tenant: str,
) -> None:
    entra, _ = entra_id
    emulator = await start_bot(production(MicrosoftAppType=app_type), services=services)
    valid = token(signing_key, emulator.service_url)

    replies = await join_and_fly_to_paris(emulator, valid)
    (issued,) = entra.tokens
    assert {reply["_authorization"] for reply in replies} == {f"Bearer {issued}"}
    assert entra.requests == [(tenant, APP_ID, "https://api.botframework.com/.default")]


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-bot"},
        {"serviceurl": "https://elsewhere.example/"},
        {"exp": int(time.time()) - 3600},
        {"iss": "https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/"},
    ],
    ids=["other-audience", "other-service-url", "expired", "emulator-issuer-wrong-key"],
)
async def test_a_token_that_is_not_for_this_bot_is_unauthorized(
    start_bot: StartBot,
    signing_key: RSAPrivateKey,
    services: TokenServices,
    claims: dict[str, Any],
) -> None:
    emulator = await start_bot(production(), services=services)

    status = await post(
        emulator, emulator.activity(text="hi"), token(signing_key, emulator.service_url, **claims)
    )

    assert status == 401
    assert emulator.connector.take() == []


async def test_a_token_signed_by_another_key_is_unauthorized(
    start_bot: StartBot, services: TokenServices
) -> None:
    emulator = await start_bot(production(), services=services)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    status = await post(
        emulator, emulator.activity(text="hi"), token(other_key, emulator.service_url)
    )

    assert status == 401


@pytest.mark.parametrize("claims", [EMULATOR_V1, EMULATOR_V2], ids=["version-1", "version-2"])
async def test_the_emulators_token_is_served(
    start_bot: StartBot, signing_key: RSAPrivateKey, services: TokenServices, claims: dict[str, Any]
) -> None:
    emulator = await start_bot(production(), services=services)
    valid = token(signing_key, emulator.service_url, **claims)

    await join_and_fly_to_paris(emulator, valid)


@pytest.mark.parametrize(
    ("claims", "channel_id"),
    [
        # Trusted by the Agents SDK's validator, but not the channel's issuer.
        ({"iss": "https://sts.windows.net/69e9b82d-4842-4902-8d1e-abc5b98a55e8/"}, "emulator"),
        ({"iss": "https://api.botframework.us"}, "emulator"),
        ({"serviceurl": None}, "emulator"),
        ({"kid": "key-2"}, "emulator"),
        # The key is endorsed for the Emulator's channel only.
        ({}, "msteams"),
        # Another bot calling this one as a skill.
        ({"ver": "1.0", "appid": "another-bot"}, "emulator"),
        ({**EMULATOR_V1, "appid": "another-bot"}, "emulator"),
        ({**EMULATOR_V2, "azp": "another-bot"}, "emulator"),
        ({**EMULATOR_V1, "ver": "3.0"}, "emulator"),
        ({**EMULATOR_V1, "exp": int(time.time()) - 3600}, "emulator"),
    ],
    ids=[
        "first-party-issuer",
        "other-cloud-issuer",
        "no-service-url",
        "unknown-key",
        "key-not-endorsed-for-the-channel",
        "skill",
        "emulator-other-app",
        "emulator-v2-other-app",
        "emulator-unknown-version",
        "emulator-expired",
    ],
)
async def test_a_token_botbuilder_refuses_is_unauthorized(
    start_bot: StartBot,
    signing_key: RSAPrivateKey,
    services: TokenServices,
    claims: dict[str, Any],
    channel_id: str,
) -> None:
    emulator = await start_bot(production(), services=services)
    refused = token(signing_key, emulator.service_url, **claims)

    status = await post(emulator, emulator.activity(text="hi", channelId=channel_id), refused)

    assert status == 401
    assert emulator.connector.take() == []


async def test_a_token_is_unauthorized_with_authentication_off(
    start_bot: StartBot, signing_key: RSAPrivateKey, services: TokenServices
) -> None:
    emulator = await start_bot(DefaultConfig.from_env({}), services=services)
    valid = token(signing_key, emulator.service_url)

    assert await post(emulator, emulator.activity(text="hi"), valid) == 401
    assert await post(emulator, emulator.activity(text="hi"), None) == 201


async def test_a_deployed_bot_never_shows_exception_text(
    start_bot: StartBot, signing_key: RSAPrivateKey, services: TokenServices
) -> None:
    storage = FailingStorage()
    emulator = await start_bot(production(), services=services, storage=storage)
    valid = token(signing_key, emulator.service_url)
    storage.fail_next_write = True

    assert await post(emulator, emulator.activity(text="fly to Paris"), valid) == 201

    replies = emulator.connector.take()
    assert [reply.get("text") for reply in replies] == [
        "From what city will you be travelling?",
        "The bot encountered an error or bug.",
        "To continue to run this bot, please fix the bot source code.",
    ]
    assert "storage unreachable" not in str(replies)


@pytest.mark.parametrize("size", [20_000, 100_000], ids=["20KB", "100KB"])
async def test_an_oversized_token_is_unauthorized_and_not_echoed(
    start_bot: StartBot,
    signing_key: RSAPrivateKey,
    services: TokenServices,
    caplog: pytest.LogCaptureFixture,
    size: int,
) -> None:
    emulator = await start_bot(production(), services=services)
    oversized = "A" * size

    async with emulator.session.post(
        emulator.url,
        json=emulator.activity(text="hi"),
        headers={"Authorization": f"Bearer {oversized}"},
    ) as response:
        assert response.status == 401
        assert await response.json() == {"error": "authentication failed"}
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert emulator.connector.take() == []


@pytest.mark.parametrize("app_id", ["", APP_ID], ids=["authentication-off", "authentication-on"])
async def test_two_authorization_headers_are_refused(
    start_bot: StartBot,
    signing_key: RSAPrivateKey,
    services: TokenServices,
    app_id: str,
) -> None:
    config = production() if app_id else DefaultConfig.from_env({})
    emulator = await start_bot(config, services=services)
    valid = token(signing_key, emulator.service_url)

    async with emulator.session.post(
        emulator.url,
        json=emulator.activity(text="hi"),
        headers=[("Authorization", f"Bearer {valid}"), ("Authorization", "Bearer other")],
    ) as response:
        assert response.status == 400
        assert await response.json() == {"error": "more than one Authorization header"}
    assert emulator.connector.take() == []
