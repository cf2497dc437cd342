"""The bot's own token for the channel on the Agents SDK: what its replies are signed with."""

import asyncio
import functools
import time

import requests
from azure.core.credentials import AccessToken
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.core import AgentAuthConfiguration, AuthTypes
from msal import (  # type: ignore[import-untyped]
    ConfidentialClientApplication,
    ManagedIdentityClient,
    UserAssignedManagedIdentity,
)

from channel.token_services import TokenServices

REFRESH_BEFORE = 300.0  # seconds before its expiry a token is replaced, as msal does


class BotToken(MsalAuth):
    """The bot's token for the channel (`services.scope`), from Microsoft Entra ID with a
    client secret (SingleTenant, MultiTenant) or from the managed identity (UserAssignedMSI),
    by the SDK's MsalAuth, which asks msal in a worker thread.

    What it does that MsalAuth does not:
    - The token is kept until REFRESH_BEFORE its expiry: a reply costs no thread then.
      Concurrent callers share one fetch.
    - Every fetch ends within `timeout`, and so does each HTTP call msal makes in its
      thread. MsalAuth gives msal no timeout, so a thread could wait on a silent
      authority for good.
    - msal's client is made in the worker thread too. MsalAuth makes it on the event loop,
      and msal's ConfidentialClientApplication reads the authority's OpenID configuration
      as it is made: a blocking call, the first time, with no timeout.
    - The authority is `services.authority_for(...)`, validated as `services` says: MsalAuth
      leaves msal to ask login.microsoftonline.com about any authority host it does not
      know, which fails for one Microsoft does not run.
    """

    def __init__(
        self,
        configuration: AgentAuthConfiguration,
        services: TokenServices,
        *,
        timeout: float,
    ) -> None:
        super().__init__(configuration)
        self._services = services
        self._timeout = timeout
        self._token: AccessToken | None = None
        self._fetching = asyncio.Lock()

    async def token(self) -> str:
        token = self._token
        if token is None or not self._fresh(token):
            async with asyncio.timeout(self._timeout), self._fetching:
                token = self._token
                if token is None or not self._fresh(token):
                    token = self._token = await self._fetch()
        return token.token

    def _fresh(self, token: AccessToken) -> bool:
        return token.expires_on - REFRESH_BEFORE > time.time()

    async def _fetch(self) -> AccessToken:
        await asyncio.to_thread(self._get_client)
        scope = self._services.scope
        return await self._get_access_token(scope, [f"{scope}/.default"])

    def _create_client_application(
        self, tenant_id: str | None = None
    ) -> ConfidentialClientApplication | ManagedIdentityClient:
        config = self.configuration
        auth_type = config.AUTH_TYPE
        if auth_type == AuthTypes.user_managed_identity:
            return ManagedIdentityClient(
                UserAssignedManagedIdentity(client_id=config.CLIENT_ID),
                http_client=_session(self._timeout),
            )
        return ConfidentialClientApplication(
            client_id=config.CLIENT_ID,
            client_credential=config.CLIENT_SECRET,
            authority=config.AUTHORITY,
            validate_authority=self._services.validate_authority,
            timeout=self._timeout,
        )


def bot_token(
    app_id: str,
    password: str,
    app_type: str,
    tenant: str,
    services: TokenServices,
    timeout: float,
) -> BotToken:
    """The bot's token as the `MicrosoftApp*` settings say."""
    if app_type == "UserAssignedMSI":
        configuration = AgentAuthConfiguration(
            AuthTypes.user_managed_identity, app_id, tenant or None
        )
    else:
        tenant = tenant if app_type == "SingleTenant" else ""
        configuration = AgentAuthConfiguration(
            AuthTypes.client_secret,
            app_id,
            tenant or None,
            password,
            authority=services.authority_for(tenant),
        )
    return BotToken(configuration, services, timeout=timeout)


def _session(timeout: float) -> requests.Session:
    """A requests session whose every call ends within `timeout`, as msal makes its own."""
    session = requests.Session()
    session.request = functools.partial(session.request, timeout=timeout)  # type: ignore[method-assign]
    return session
