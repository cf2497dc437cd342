"""The language-understanding back end of the flight-booking bot."""

import logging

from botbuilder.ai.luis import LuisApplication, LuisPredictionOptions, LuisRecognizer
from botbuilder.core import Recognizer, RecognizerResult, TurnContext

from config import ConfigError, DefaultConfig

logger = logging.getLogger(__name__)


class FlightBookingRecognizer(Recognizer):
    """LUIS when `LuisAppId`, `LuisAPIKey` and `LuisAPIHostName` are set; else not configured."""

    def __init__(self, config: DefaultConfig) -> None:
        self._recognizer: LuisRecognizer | None = None
        settings = (config.LUIS_APP_ID, config.LUIS_API_KEY, config.LUIS_API_HOST_NAME)
        if not all(settings):
            if any(settings):
                logger.warning(
                    "LUIS needs LuisAppId, LuisAPIKey and LuisAPIHostName; some are missing, "
                    "so language understanding is off"
                )
            return
        host = config.LUIS_API_HOST_NAME
        endpoint = host if "://" in host else f"https://{host}"
        try:
            application = LuisApplication(config.LUIS_APP_ID, config.LUIS_API_KEY, endpoint)
        except ValueError as error:
            raise ConfigError(
                f"LuisAppId, LuisAPIKey or LuisAPIHostName is malformed: {error}"
            ) from None
        self._recognizer = LuisRecognizer(
            application, LuisPredictionOptions(include_all_intents=True, timeout=5000)
        )

    @property
    def is_configured(self) -> bool:
        return self._recognizer is not None

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        if self._recognizer is None:
            raise RuntimeError("recognize() called on a recognizer that is not configured")
        return await self._recognizer.recognize(turn_context)
