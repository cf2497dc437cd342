"""What the adapter does the Agents SDK's way: authentication (auth.py), the turn context,
the token the replies are signed with, the invoke response a handler left in the turn."""

from collections.abc import Awaitable, Callable
from typing import Any

from microsoft_agents.activity import (
    Activity,
    InvokeResponse,
)
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    ChannelAdapter,
    ChannelServiceClientFactoryBase,
    ClaimsIdentity,
    TurnContext,
)
from microsoft_agents.hosting.dialogs import DialogContext
from microsoft_agents.hosting.dialogs.memory import DialogStateManager

from sdk.agents.auth import Authenticated, Authentication, authentication
from sdk.agents.turn_context import ShallowCopyTurnContext
from sdk.dialog_memory import on_first_use

__all__ = [
    "Authentication",
    "SdkAdapter",
    "authentication",
    "patch_sdk",
    "turn_context_for",
]


def patch_sdk(*, outbound_timeout: float) -> None:
    """What this build changes in the Agents SDK, for the whole process: dialog contexts make
    their memory when first asked for it (sdk/dialog_memory.py)."""
    on_first_use(DialogContext, DialogStateManager)


class _NoChannelClients(ChannelServiceClientFactoryBase):
    """The SDK's CloudAdapter wants a factory of connector clients; the bot's adapter sends
    every reply through its own connector (channel/connector.py), so none is ever made."""

    async def create_connector_client(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("replies go through channel.connector.BotConnector")

    async def create_user_token_client(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("the bot signs nobody in")


class SdkAdapter(CloudAdapter):
    """The Agents SDK's CloudAdapter, as the bot's adapter (adapter_with_error_handler.py)
    uses it: the steps of a turn that are the SDK's."""

    def __init__(self, auth: Authentication) -> None:
        super().__init__(channel_service_client_factory=_NoChannelClients())
        self.auth = auth

    async def authenticate(self, activity: Activity, header: str) -> Authenticated:
        """The request's claims; raises SigningKeysUnavailable, or another exception for a
        token that does not hold."""
        return await self.auth.authenticate(activity, header)

    async def turn_context(
        self,
        activity: Activity,
        authenticated: Authenticated,
        logic: Callable[[TurnContext], Awaitable],
    ) -> TurnContext:
        return ShallowCopyTurnContext(self, activity, authenticated.claims)

    def reply_auth(self, context: TurnContext) -> Any:
        """What signs this turn's replies (None when authentication is off)."""
        return self.auth.reply_auth(context.activity.service_url)

    def invoke_result(self, context: TurnContext) -> tuple[int, Any] | None:
        """The status and body of the invoke response the turn's handler sent, if any."""
        activity = context.turn_state.get(self.INVOKE_RESPONSE_KEY)
        if not isinstance(activity, Activity) or activity.value is None:
            return None
        value = activity.value
        if isinstance(value, InvokeResponse):
            return value.status, value.body
        if isinstance(value, dict) and isinstance(value.get("status"), int):
            # What the SDK's ActivityHandler sends: the InvokeResponse's JSON.
            return value["status"], value.get("body")
        return None

    def keep_invoke_response(self, context: TurnContext, activity: Activity) -> None:
        """Where the turn's invoke response waits for the HTTP answer."""
        context.turn_state[self.INVOKE_RESPONSE_KEY] = activity


def turn_context_for(adapter: ChannelAdapter, activity: Activity) -> TurnContext:
    """The turn context the bot's adapter makes, for another adapter (a RecordingAdapter)."""
    return ShallowCopyTurnContext(adapter, activity, ClaimsIdentity({}))
