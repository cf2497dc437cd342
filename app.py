"""The flight-booking bot as an aiohttp web service: POST /api/messages; in development
mode also a chat page at / with a local Direct Line for it."""

import gc

if __name__ == "__main__":
    # Start-up makes some 200,000 objects that live as long as the process, and the collector
    # scanned them again and again while they were made: a third of the time to start.
    # tune_garbage_collector freezes them and turns the collector back on.
    gc.disable()
    import logging as _logging

    from config import ConfigError

    try:
        import sdk
    except ConfigError as _error:
        _logging.basicConfig(format="%(levelname)s %(message)s")
        _logging.getLogger("app").error("Cannot start: %s", _error)
        raise SystemExit(2) from None

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import AsyncIterator

from aiohttp import web

import sdk
from adapter_with_error_handler import AdapterWithErrorHandler
from bots.dialog_and_welcome_bot import DialogAndWelcomeBot
from bots.rehearsal import rehearse
from channel.conversation_turns import RecentActivities
from channel.http_client import Proxies
from channel.token_services import PUBLIC_CLOUD, TokenServices
from config import ConfigError, DefaultConfig
from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from flight_booking_recognizer import FlightBookingRecognizer
from helpers.luis_helper import IntentRecognizer
from recognizers import dates
from recognizers.lexicon import lexicon
from serving import (
    MAX_HEADER_FIELD_BYTES,
    SHUTDOWN,
    ConnectionLimit,
    LimitedAppRunner,
    ServerLog,
    ShutdownClock,
    allowed_connections,
    request_checks,
)
from storage import ConnectedStorage, Storage, create_storage
from storage.bot_state import ConversationState, UserState
from storage.errors import StorageUnavailable
from telemetry.logs import TEXT_FORMAT, use_log_format
from telemetry.recorder import Recorder, recorder_for
from webchat import page
from webchat.direct_line import DirectLine, QuietPollsAccessLogger

logger = logging.getLogger(__name__)

ADAPTER = web.AppKey("adapter", AdapterWithErrorHandler)
BOT = web.AppKey("bot", DialogAndWelcomeBot)
RECOGNIZER = web.AppKey("recognizer", FlightBookingRecognizer)
DIRECT_LINE = web.AppKey("direct_line", DirectLine)
STORAGE = web.AppKey("storage", Storage)
CONNECTIONS = web.AppKey("connections", ConnectionLimit)


def create_app(
    config: DefaultConfig,
    *,
    storage: Storage | None = None,
    recognizer: IntentRecognizer | None = None,
    services: TokenServices = PUBLIC_CLOUD,
    recorder: Recorder | None = None,
) -> web.Application:
    """Wire the bot. By default: the storage `STORAGE` picks, the recognizer `RECOGNIZER`
    picks, Bot Framework authentication as the `MicrosoftApp*` settings say with the
    public cloud's token services (`services`), and telemetry as its settings say (none:
    no cost)."""
    connections = ConnectionLimit(config.MAX_CONNECTIONS)
    recorder = recorder or recorder_for(config)
    app = web.Application(
        client_max_size=config.MAX_REQUEST_BYTES,
        middlewares=[request_checks(config.BODY_TIMEOUT, connections)],
        handler_args={"max_field_size": MAX_HEADER_FIELD_BYTES, "logger": ServerLog()},
    )
    app[CONNECTIONS] = connections
    app[SHUTDOWN] = ShutdownClock(config.SHUTDOWN_TIMEOUT)
    storage = app[STORAGE] = storage or create_storage(config)
    if isinstance(storage, ConnectedStorage):
        app.cleanup_ctx.append(storage_session)
    conversation_state = ConversationState(storage)
    user_state = UserState(storage)
    if recognizer is None:
        recognizer = app[RECOGNIZER] = FlightBookingRecognizer(config)
        app.cleanup_ctx.append(recognizer_session)
    dialog = MainDialog(recorder.recognizer(recognizer), BookingDialog())
    sdk.patch_sdk(outbound_timeout=config.OUTBOUND_TIMEOUT)
    dates.recent.resize(config.RECOGNITION_CACHE_SIZE)
    app[ADAPTER] = AdapterWithErrorHandler(
        sdk.authentication(config, services),
        conversation_state,
        connector=recorder.connector(
            timeout=config.OUTBOUND_TIMEOUT,
            idle_timeout=config.OUTBOUND_IDLE_TIMEOUT,
            proxies=Proxies.of(config.HTTP_PROXY, config.HTTPS_PROXY, config.NO_PROXY),
        ),
        show_error_details=not config.APP_ID,
    )
    recorder.install(app, app[ADAPTER])
    app.cleanup_ctx.append(connector_session)
    # A shared store must also tell every instance which activities were answered.
    recent = RecentActivities(conversation_state) if isinstance(storage, ConnectedStorage) else None
    app[BOT] = DialogAndWelcomeBot(conversation_state, user_state, dialog, recent_activities=recent)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    if not config.APP_ID:
        # Development only: a deployed bot is reached through Azure's Direct Line channel.
        page.add_routes(app.router)
        app[DIRECT_LINE] = DirectLine(app[ADAPTER], app[BOT])
        app[DIRECT_LINE].add_routes(app.router)
    app.on_startup.append(warm_up)
    return app


async def storage_session(app: web.Application) -> AsyncIterator[None]:
    storage = app[STORAGE]
    assert isinstance(storage, ConnectedStorage)
    await storage.open()
    yield
    await storage.close()


async def connector_session(app: web.Application) -> AsyncIterator[None]:
    await app[ADAPTER].connector.open()
    yield
    await app[ADAPTER].connector.close()


async def recognizer_session(app: web.Application) -> AsyncIterator[None]:
    await app[RECOGNIZER].open()
    yield
    await app[RECOGNIZER].close()


async def warm_up(app: web.Application) -> None:
    """Pay for building the recognizers and the lexicon at start, not on the first user's
    answers."""
    await dates.off_loop(dates.warm_up)
    lexicon()


async def rehearse_bookings(app: web.Application) -> None:
    """Before the first user: a few bookings in conversations nobody sees (bots/rehearsal.py),
    with the embedded recognizer only (a cloud one is billed for each message, and may be
    slow to answer at start)."""
    recognizer = app.get(RECOGNIZER)
    if recognizer is None or recognizer.backend != "embedded":
        return
    started = time.perf_counter()
    turns = await rehearse(app[BOT].dialog)
    logger.info("Rehearsed %d turns in %.2f s", turns, time.perf_counter() - started)


async def tune_garbage_collector(app: web.Application) -> None:
    """After warm-up: the objects made so far (modules, recognizer models) live as long as
    the process, so the collector stops scanning them, and it runs less often. Under load
    its full collections were the longest pauses, and the slowest turns waited on them."""
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    gc.enable()


async def messages(request: web.Request) -> web.Response:
    return await request.app[ADAPTER].process(request, request.app[BOT])


async def healthz(request: web.Request) -> web.Response:
    """For App Service health checks: the process is up and serving, and its store answers."""
    storage = request.app[STORAGE]
    problem = await storage.problem() if isinstance(storage, ConnectedStorage) else None
    busy = request.app[ADAPTER].turns.busy
    if problem:
        return web.json_response(
            {"status": "storage unreachable", "reason": problem, "conversationsInTurn": busy},
            status=503,
        )
    return web.json_response({"status": "ok", "conversationsInTurn": busy})


def main() -> None:
    logging.basicConfig(level=logging.INFO, format=TEXT_FORMAT)
    # The Azure SDKs log every storage request at INFO.
    logging.getLogger("azure").setLevel(logging.WARNING)
    # What the format does not show is not gathered for each record (the logging HOWTO's
    # "Optimization"): the caller's file and line, thread and process. A third of the cost
    # of the access log's line per request.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    try:
        config = DefaultConfig.from_env()
        use_log_format(config.LOG_FORMAT)
        app = create_app(config)
        app.on_startup.append(rehearse_bookings)
        app.on_startup.append(tune_garbage_collector)
    except ConfigError as error:
        logger.error("Cannot start: %s", error)
        raise SystemExit(2) from None
    logger.info("Running on %s %s (BOT_SDK=%s)", sdk.DESCRIPTION, sdk.VERSION, sdk.NAME)
    if not config.APP_ID:
        logger.warning(
            "MicrosoftAppId is not set: authentication is off. This is for local development "
            "with the Emulator only; do not expose this service to the internet."
        )
        logger.info("Chat with the bot in a browser: http://%s:%s/", config.HOST, config.PORT)
    app[CONNECTIONS].limit = allowed_connections(config.MAX_CONNECTIONS)
    try:
        with asyncio.Runner(loop_factory=new_event_loop) as runner:
            runner.run(serve(app, config))
    except (StorageUnavailable, ConfigError) as error:
        logger.error("Cannot start: %s", error)
        raise SystemExit(2) from None


async def serve(app: web.Application, config: DefaultConfig) -> None:
    """Serve `app` until SIGTERM or SIGINT, as `web.run_app` does but with the connections
    bounded; then stop accepting, let turns in flight finish for up to SHUTDOWN_TIMEOUT
    seconds, run the cleanups and return: the exit status is 0."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still stops it
            loop.add_signal_handler(signal_number, stopping.set)
    runner = LimitedAppRunner(
        app,
        app[CONNECTIONS],
        access_log_class=QuietPollsAccessLogger,
        keepalive_timeout=75.0,
        shutdown_timeout=config.SHUTDOWN_TIMEOUT,
    )
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, config.HOST, config.PORT).start()
        except OSError as error:
            raise ConfigError(
                f"cannot listen on HOST {config.HOST!r}, PORT {config.PORT}: "
                f"{error.strerror or error}. HOST must be a name or address of this machine "
                "and PORT a port free on it"
            ) from None
        await stopping.wait()
    finally:
        app[SHUTDOWN].begin()
        await runner.cleanup()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it exists (not on Windows): it halves the event loop's share of a turn."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


if __name__ == "__main__":
    main()
