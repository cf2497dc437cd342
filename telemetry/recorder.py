"""Which turns telemetry watches, and how it is switched on.

`recorder_for(config)` is a bare `Recorder` when no exporter is configured and logs are text:
it installs nothing, so no hook ever finds a turn, and OpenTelemetry is not imported. With
`LOG_FORMAT=json` alone, each turn carries only what its log lines need; with an exporter
(`APPLICATIONINSIGHTS_CONNECTION_STRING`, `OTEL_EXPORTER_OTLP_ENDPOINT`), traces and metrics
too (`telemetry.otel`).
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from channel.connector import BotConnector
from config import DefaultConfig
from helpers.luis_helper import IntentRecognizer
from sdk import BotAdapter, TurnContext, call_next
from sdk import Middleware as BotMiddleware
from telemetry import CURRENT, Turn

# The routes whose requests are turns: the channel's, and the local Direct Line's.
TURN_ROUTES = frozenset(
    {
        "/api/messages",
        "/v3/directline/conversations",
        "/v3/directline/conversations/{conversation}/activities",
    }
)


class Recorder:
    """Telemetry off: the connector and recognizer as they are, and nothing installed."""

    def connector(self, **options: Any) -> BotConnector:
        """The connector to the channel, made with `options`."""
        return BotConnector(**options)

    def recognizer(self, recognizer: IntentRecognizer) -> IntentRecognizer:
        """`recognizer`, as the dialogs are to call it."""
        return recognizer

    def install(self, app: web.Application, adapter: BotAdapter) -> None:
        """Watch the turns of `app`, whose adapter is `adapter`."""


class LogRecorder(Recorder):
    """Gives each request on a turn route its `Turn`, for the length of the request, and
    tells it the turn's activity: what the JSON logs need."""

    def install(self, app: web.Application, adapter: BotAdapter) -> None:
        app.middlewares.insert(0, self.middleware())  # first: around the request checks too
        adapter.use(TurnActivity())
        app.cleanup_ctx.append(self.session)

    def middleware(self) -> Middleware:
        @web.middleware
        async def turns(request: web.Request, handler: Handler) -> web.StreamResponse:
            resource = request.match_info.route.resource
            if (
                request.method != "POST"
                or resource is None
                or resource.canonical not in TURN_ROUTES
            ):
                return await handler(request)
            turn = self.start(request)
            token = CURRENT.set(turn)
            try:
                response = await handler(request)
            except web.HTTPException as error:
                self.finish(turn, error.status)
                raise
            except BaseException:
                self.finish(turn, 500)
                raise
            finally:
                CURRENT.reset(token)
            self.finish(turn, response.status)
            return response

        return turns

    def start(self, request: web.Request) -> Turn:
        return Turn()

    def finish(self, turn: Turn, status: int) -> None:
        """The request was answered with `status` (500 when it failed)."""

    async def session(self, app: web.Application) -> AsyncIterator[None]:
        """For the app's cleanup_ctx: what is still to export is sent at shutdown."""
        yield


class TurnActivity(BotMiddleware):
    async def on_turn(self, context: TurnContext, logic: Callable[..., Awaitable[None]]) -> None:
        turn = CURRENT.get()
        if turn is not None:
            turn.activity(context.activity)
        await call_next(logic, context)
        if turn is not None:
            turn.ran(context)


def recorder_for(config: DefaultConfig) -> Recorder:
    if config.APPLICATIONINSIGHTS_CONNECTION_STRING or config.OTEL_EXPORTER_OTLP_ENDPOINT:
        # Imported only here: OpenTelemetry costs nothing when nothing is exported.
        from telemetry.otel import OtelRecorder

        return OtelRecorder.from_config(config)
    if config.LOG_FORMAT == "json":
        return LogRecorder()
    return Recorder()
