from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import Bot, BotAdapter, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ConversationReference, ResourceResponse
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConfiguration,
    BotFrameworkAuthentication,
    ServiceClientCredentialsFactory,
)

class CloudAdapter(BotAdapter):
    CONNECTOR_FACTORY_KEY: str
    USER_TOKEN_CLIENT_KEY: str
    bot_framework_authentication: BotFrameworkAuthentication
    def __init__(
        self, bot_framework_authentication: BotFrameworkAuthentication | None = None
    ) -> None: ...
    async def process(
        self, request: web.Request, bot: Bot, ws_response: web.WebSocketResponse | None = None
    ) -> web.Response | None: ...
    async def process_activity(
        self,
        auth_header_or_authenticate_request_result: str | AuthenticateRequestResult,
        activity: Activity,
        logic: Callable[[TurnContext], Awaitable[Any]],
    ) -> InvokeResponse | None: ...
    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]: ...
    async def update_activity(self, context: TurnContext, activity: Activity) -> Any: ...
    async def delete_activity(
        self, context: TurnContext, reference: ConversationReference
    ) -> Any: ...
    def _process_turn_results(self, context: TurnContext) -> InvokeResponse | None: ...

class ConfigurationServiceClientCredentialFactory(ServiceClientCredentialsFactory):
    def __init__(self, configuration: Any, *, logger: Any = None) -> None: ...

class ConfigurationBotFrameworkAuthentication(BotFrameworkAuthentication):
    def __init__(
        self,
        configuration: Any,
        *,
        credentials_factory: ServiceClientCredentialsFactory | None = None,
        auth_configuration: AuthenticationConfiguration | None = None,
        http_client_factory: Any = None,
        logger: Any = None,
    ) -> None: ...
