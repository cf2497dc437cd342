"""The flight-booking bot as an aiohttp web service: POST /api/messages."""

import logging
from collections.abc import AsyncIterator

from aiohttp import web
from botbuilder.core import ConversationState, MemoryStorage, Storage, UserState
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication

from adapter_with_error_handler import AdapterWithErrorHandler
from bots.dialog_and_welcome_bot import DialogAndWelcomeBot
from config import ConfigError, DefaultConfig
from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from flight_booking_recognizer import FlightBookingRecognizer
from helpers.luis_helper import IntentRecognizer
from recognizers.dates import find_dates_off_loop

logger = logging.getLogger(__name__)

ADAPTER = web.AppKey("adapter", AdapterWithErrorHandler)
BOT = web.AppKey("bot", DialogAndWelcomeBot)
RECOGNIZER = web.AppKey("recognizer", FlightBookingRecognizer)


def create_app(
    config: DefaultConfig,
    *,
    storage: Storage | None = None,
    recognizer: IntentRecognizer | None = None,
) -> web.Application:
    """Wire the bot; `storage` defaults to memory, `recognizer` to the one `RECOGNIZER` picks."""
    storage = storage or MemoryStorage()
    conversation_state = ConversationState(storage)
    user_state = UserState(storage)
    app = web.Application()
    if recognizer is None:
        recognizer = app[RECOGNIZER] = FlightBookingRecognizer(config)
        app.cleanup_ctx.append(recognizer_session)
    dialog = MainDialog(recognizer, BookingDialog())

    app[ADAPTER] = AdapterWithErrorHandler(
        ConfigurationBotFrameworkAuthentication(config), conversation_state
    )
    app[BOT] = DialogAndWelcomeBot(conversation_state, user_state, dialog)
    app.router.add_post("/api/messages", messages)
    app.on_startup.append(warm_up)
    return app


async def recognizer_session(app: web.Application) -> AsyncIterator[None]:
    await app[RECOGNIZER].open()
    yield
    await app[RECOGNIZER].close()


async def warm_up(app: web.Application) -> None:
    """The date recognizer compiles its patterns on first use (a few hundred ms):
    pay that at start, not on the first user's date."""
    await find_dates_off_loop("tomorrow")


async def messages(request: web.Request) -> web.Response:
    return await request.app[ADAPTER].process(request, request.app[BOT])


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = DefaultConfig.from_env()
    except ConfigError as error:
        logger.error("Cannot start: %s", error)
        raise SystemExit(2) from None
    if not config.APP_ID:
        logger.warning(
            "MicrosoftAppId is not set: authentication is off. This is for local development "
            "with the Emulator only; do not expose this service to the internet."
        )
    web.run_app(create_app(config), host=config.HOST, port=config.PORT)


if __name__ == "__main__":
    main()
