"""What the adapter does botbuilder's way: authentication (botframework-connector's, made in
auth.py, with the signing keys fetched without blocking), the turn context and the SDK
clients a turn carries, the token the replies are signed with, the invoke response a
handler left in the turn."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import BotAdapter, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AppCredentials,
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
)
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from msrest.serialization import Model

from channel.signing_keys import OpenIdMetadata
from sdk.botbuilder.auth import authentication
from sdk.botbuilder.clients import SdkClients
from sdk.botbuilder.dialog_memory import make_dialog_memory_on_first_use
from sdk.botbuilder.turn_context import ShallowCopyTurnContext

Authentication = BotFrameworkAuthentication
__all__ = ["Authentication", "SdkAdapter", "authentication", "patch_sdk", "turn_context_for"]


def patch_sdk(*, outbound_timeout: float) -> None:
    """What this build changes in botbuilder, for the whole process: dialog contexts make
    their memory when first asked for it (sdk/botbuilder/dialog_memory.py), and the signing
    keys are read without blocking the event loop."""
    make_dialog_memory_on_first_use()
    read_signing_keys_without_blocking(timeout=outbound_timeout)


def read_signing_keys_without_blocking(*, timeout: float = 5.0) -> None:
    """Make every JwtTokenExtractor read signing keys through `OpenIdMetadata`, one for each
    metadata URL (starting afresh, with no keys cached).

    botframework-connector fetches the keys with a blocking `requests.get` that has no
    timeout, and is end-of-life: no fix will come upstream. Every validation path builds its
    extractor through `JwtTokenExtractor.get_open_id_metadata`, so replacing it is enough.
    """
    registry: dict[str, OpenIdMetadata] = {}

    def open_id_metadata(metadata_url: str) -> OpenIdMetadata:
        metadata = registry.get(metadata_url)
        if metadata is None:
            metadata = registry[metadata_url] = OpenIdMetadata(metadata_url, timeout=timeout)
        return metadata

    JwtTokenExtractor.get_open_id_metadata = staticmethod(open_id_metadata)


class CredentialsAuth:
    """Replies signed with the SDK's app credentials (msal's token, in a worker thread:
    `get_access_token` blocks)."""

    def __init__(self, credentials: AppCredentials) -> None:
        self.credentials = credentials

    async def token(self) -> str:
        return await asyncio.to_thread(self.credentials.get_access_token)


class SdkAdapter(CloudAdapter):
    """botbuilder's CloudAdapter, as the bot's adapter (adapter_with_error_handler.py) uses
    it: the steps of a turn that are the SDK's."""

    def __init__(self, auth: BotFrameworkAuthentication) -> None:
        super().__init__(auth)
        self._clients = SdkClients(auth)
        # The SDK builds new credentials every turn; msal's token cache lives in the first.
        self._reply_auth: dict[tuple[type, str, str], CredentialsAuth] = {}

    async def authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        """The request's claims; raises SigningKeysUnavailable, or another exception for a
        token that does not hold."""
        # None, not "": botbuilder's parameterized authentication (at other addresses than
        # the public cloud's) takes only None for "no token" when authentication is off.
        result = await self.bot_framework_authentication.authenticate_request(
            activity, header or None
        )
        activity.caller_id = result.caller_id
        return result

    async def turn_context(
        self,
        activity: Activity,
        authenticated: AuthenticateRequestResult,
        logic: Callable[[TurnContext], Awaitable],
    ) -> TurnContext:
        """A turn context as the SDK's CloudAdapter makes it, with the SDK clients reused
        across turns and cheaper sends (ShallowCopyTurnContext)."""
        context = ShallowCopyTurnContext(self, activity)
        context.turn_state[self.BOT_IDENTITY_KEY] = authenticated.claims_identity
        context.turn_state[self.BOT_CONNECTOR_CLIENT_KEY] = await self._clients.connector_client(
            authenticated, activity.service_url
        )
        context.turn_state[self.USER_TOKEN_CLIENT_KEY] = await self._clients.user_token_client(
            authenticated.claims_identity
        )
        context.turn_state[self.BOT_CALLBACK_HANDLER_KEY] = logic
        context.turn_state[self.CONNECTOR_FACTORY_KEY] = authenticated.connector_factory
        context.turn_state[self.BOT_OAUTH_SCOPE_KEY] = authenticated.audience
        return context

    def reply_auth(self, context: TurnContext) -> CredentialsAuth | None:
        """What signs this turn's replies: the credentials the SDK made for its connector
        (none when authentication is off)."""
        client = context.turn_state.get(self.BOT_CONNECTOR_CLIENT_KEY)
        return self.signed_by(client.config.credentials if client is not None else None)

    def signed_by(self, credentials: AppCredentials | None) -> CredentialsAuth | None:
        """What signs with `credentials`: those first made for the same app and audience."""
        if credentials is None:
            return None
        app_id = credentials.microsoft_app_id
        if not app_id or app_id == AuthenticationConstants.ANONYMOUS_SKILL_APP_ID:
            return None  # AppCredentials.signed_session sends no token for these
        key = (type(credentials), app_id, credentials.oauth_scope)
        auth = self._reply_auth.get(key)
        if auth is None:
            auth = self._reply_auth[key] = CredentialsAuth(credentials)
        return auth

    def invoke_result(self, context: TurnContext) -> tuple[int, Any] | None:
        """The status and body of the invoke response the turn's handler sent, if any."""
        activity = context.turn_state.get(self._INVOKE_RESPONSE_KEY)
        if activity is None or activity.value is None:
            return None
        body = activity.value.body
        return activity.value.status, serializer_helper(body) if isinstance(body, Model) else body

    def keep_invoke_response(self, context: TurnContext, activity: Activity) -> None:
        """Where the turn's invoke response waits for the HTTP answer."""
        context.turn_state[self._INVOKE_RESPONSE_KEY] = activity


def turn_context_for(adapter: BotAdapter, activity: Activity) -> TurnContext:
    """The turn context the bot's adapter makes, for another adapter (a RecordingAdapter)."""
    return ShallowCopyTurnContext(adapter, activity)
