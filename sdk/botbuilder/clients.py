"""The SDK clients a turn carries in its state, made once instead of on every turn.

CloudAdapter builds a new ConnectorClient and a new UserTokenClient for each activity, and
msrest assembles each one's HTTP configuration from scratch: about a third of a turn's CPU.
Both depend only on the bot's identity, the audience and the serviceUrl, so they are kept,
up to `limit` of each, the least recently used going first.
"""

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar

from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    UserTokenClient,
)

Client = TypeVar("Client")


class SdkClients:
    def __init__(self, auth: BotFrameworkAuthentication, *, limit: int = 256) -> None:
        self._auth = auth
        self._limit = limit
        self._connectors: OrderedDict[Hashable, ConnectorClient] = OrderedDict()
        self._user_tokens: OrderedDict[Hashable, UserTokenClient] = OrderedDict()

    async def connector_client(
        self, result: AuthenticateRequestResult, service_url: str
    ) -> ConnectorClient:
        key = (bot_app_id(result.claims_identity), result.audience, service_url)
        return await self._get(
            self._connectors,
            key,
            lambda: result.connector_factory.create(service_url, result.audience),
        )

    async def user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        return await self._get(
            self._user_tokens,
            bot_app_id(claims_identity),
            lambda: self._auth.create_user_token_client(claims_identity),
        )

    async def _get(
        self,
        cache: OrderedDict[Hashable, Client],
        key: Hashable,
        create: Callable[[], Awaitable[Client]],
    ) -> Client:
        client = cache.get(key)
        if client is None:
            client = cache[key] = await create()
            if len(cache) > self._limit:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        return client


def bot_app_id(claims_identity: ClaimsIdentity) -> str | None:
    """The bot's app id as the SDK's connector factory takes it from the token's claims:
    the audience for a channel, the appid claim for the Emulator, None with auth off."""
    app_id = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if app_id is None:
        app_id = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return app_id
