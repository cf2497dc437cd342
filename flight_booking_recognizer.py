"""The language-understanding back end of the flight-booking bot, chosen by `RECOGNIZER`."""

import logging
from typing import Protocol

from config import DefaultConfig
from helpers.luis_helper import SupportsRecognize
from recognizers.clu_recognizer import CluRecognizer
from recognizers.embedded_recognizer import EmbeddedRecognizer
from recognizers.result import RecognizerResult
from sdk import TurnContext

logger = logging.getLogger(__name__)


class CloudRecognizer(SupportsRecognize, Protocol):
    """A back end in the cloud: its connections open at start and close at the end."""

    async def open(self) -> None: ...

    async def close(self) -> None: ...


class FlightBookingRecognizer:
    """`auto` (the default): LUIS if its three settings are set, else CLU if its four are,
    else the embedded recognizer. `none` reproduces the original's "LUIS is not configured"."""

    def __init__(self, config: DefaultConfig) -> None:
        self.backend = choose_backend(config)
        self._cloud = _cloud(self.backend, config)
        self._recognizer: SupportsRecognize | None = self._cloud or _embedded(self.backend, config)
        logger.info("Language understanding: %s", self.backend)

    @property
    def is_configured(self) -> bool:
        return self._recognizer is not None

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        if self._recognizer is None:
            raise RuntimeError("recognize() called with RECOGNIZER=none")
        return await self._recognizer.recognize(turn_context)

    async def open(self) -> None:
        if self._cloud is not None:
            await self._cloud.open()

    async def close(self) -> None:
        if self._cloud is not None:
            await self._cloud.close()


def choose_backend(config: DefaultConfig) -> str:
    if config.RECOGNIZER != "auto":
        return config.RECOGNIZER
    for backend, settings in (("luis", config.luis_settings), ("clu", config.clu_settings)):
        given = [name for name, value in settings.items() if value]
        if len(given) == len(settings):
            return backend
        if given:
            missing = ", ".join(name for name in settings if name not in given)
            logger.warning("%s is not used: %s missing", backend.upper(), missing)
    return "embedded"


def _cloud(backend: str, config: DefaultConfig) -> CloudRecognizer | None:
    match backend:
        case "luis":
            return _luis(config)
        case "clu":
            return CluRecognizer(
                config.CLU_ENDPOINT,
                config.CLU_API_KEY,
                config.CLU_PROJECT_NAME,
                config.CLU_DEPLOYMENT_NAME,
            )
    return None


def _embedded(backend: str, config: DefaultConfig) -> EmbeddedRecognizer | None:
    if backend == "embedded":
        return EmbeddedRecognizer.from_file(remember=config.RECOGNITION_CACHE_SIZE)
    return None


def _luis(config: DefaultConfig) -> CloudRecognizer:
    # Imported only here: the LUIS client is large and only RECOGNIZER=luis needs it.
    from sdk.luis import LuisRecognizer

    return LuisRecognizer(config.LUIS_APP_ID, config.LUIS_API_KEY, config.LUIS_API_HOST_NAME)
