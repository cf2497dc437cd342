from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
)

from config import DefaultConfig
from sdk.botbuilder.adapter import authentication as bot_authentication
from sdk.botbuilder.clients import SdkClients, bot_app_id

AUTH = bot_authentication(DefaultConfig.from_env({}))


def authenticated(app_id: str, audience: str) -> AuthenticateRequestResult:
    result = AuthenticateRequestResult()
    result.claims_identity = ClaimsIdentity({AuthenticationConstants.AUDIENCE_CLAIM: app_id}, True)
    result.audience = audience
    result.connector_factory = AUTH.create_connector_factory(result.claims_identity)
    return result


def sdk_clients(limit: int = 256) -> SdkClients:
    return SdkClients(AUTH, limit=limit)


async def test_a_connector_client_is_made_once_per_bot_audience_and_service_url() -> None:
    clients = sdk_clients()
    first = await clients.connector_client(authenticated("bot", "aud"), "http://a/")

    assert await clients.connector_client(authenticated("bot", "aud"), "http://a/") is first
    assert await clients.connector_client(authenticated("bot", "aud"), "http://b/") is not first
    assert await clients.connector_client(authenticated("bot", "other"), "http://a/") is not first
    assert await clients.connector_client(authenticated("bot2", "aud"), "http://a/") is not first
    assert first.config.base_url == "http://a/"


async def test_a_user_token_client_is_made_once_per_bot() -> None:
    clients = sdk_clients()
    identity = authenticated("bot", "aud").claims_identity

    first = await clients.user_token_client(identity)

    assert await clients.user_token_client(identity) is first
    assert (
        await clients.user_token_client(authenticated("bot2", "aud").claims_identity) is not first
    )


async def test_the_least_recently_used_client_goes_first() -> None:
    clients = sdk_clients(limit=2)
    result = authenticated("bot", "aud")
    a = await clients.connector_client(result, "http://a/")
    b = await clients.connector_client(result, "http://b/")
    await clients.connector_client(result, "http://a/")
    await clients.connector_client(result, "http://c/")

    assert await clients.connector_client(result, "http://a/") is a
    assert await clients.connector_client(result, "http://b/") is not b


def test_the_bot_app_id_comes_from_the_audience_or_the_app_id_claim() -> None:
    assert bot_app_id(ClaimsIdentity({AuthenticationConstants.AUDIENCE_CLAIM: "a"}, True)) == "a"
    assert bot_app_id(ClaimsIdentity({AuthenticationConstants.APP_ID_CLAIM: "b"}, True)) == "b"
    assert bot_app_id(ClaimsIdentity({}, True)) is None
