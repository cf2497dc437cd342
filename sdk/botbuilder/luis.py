"""LUIS (v2 prediction API) through botbuilder-ai, for LUIS-compatible endpoints (LUIS itself
was retired on 2026-03-31)."""

import asyncio
import importlib.util
import sys


def _load_luis_client_package() -> None:
    """Load the LUIS client's package without its `__init__.py`, so that it needs no
    pkg_resources: setuptools dropped it in version 82, and Python 3.12 and later bring no
    setuptools. That file's one line, `pkg_resources.declare_namespace(__name__)`, lets a
    package be spread over several folders; this one is installed in one and gains nothing."""
    name = "azure.cognitiveservices.language.luis"
    if name in sys.modules or (spec := importlib.util.find_spec(name)) is None:
        return
    package = sys.modules[name] = importlib.util.module_from_spec(spec)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, package)


_load_luis_client_package()

from azure.cognitiveservices.language.luis.runtime import LUISRuntimeClient
from botbuilder.ai.luis.luis_util import LuisUtil
from botbuilder.core import TurnContext
from msrest.authentication import CognitiveServicesCredentials

from recognizers.luis_settings import luis_endpoint
from recognizers.result import IntentScore, RecognizerResult

TIMEOUT_SECONDS = 5


class LuisRecognizer:
    """botbuilder-ai's LUIS v2 recognizer, minus its flaw: its HTTP call is synchronous and
    would stop every conversation while LUIS answers. Here it runs in a worker thread, with
    a timeout. The result is mapped by botbuilder-ai's own LuisUtil, as before."""

    def __init__(self, app_id: str, key: str, host: str, timeout: float = TIMEOUT_SECONDS) -> None:
        endpoint = luis_endpoint(app_id, key, host)
        self._app_id = app_id
        self._runtime = LUISRuntimeClient(endpoint, CognitiveServicesCredentials(key))
        self._runtime.config.connection.timeout = timeout
        self._timeout = timeout
        self._runtime.config.retry_policy.retries = 0

    async def open(self) -> None:
        """Nothing to open: the runtime client connects on its first call."""

    async def close(self) -> None:
        self._runtime.close()

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        text = turn_context.activity.text or ""
        luis_result = await asyncio.wait_for(
            asyncio.to_thread(self._runtime.prediction.resolve, self._app_id, text, verbose=True),
            self._timeout + 1,
        )
        intents = LuisUtil.get_intents(luis_result)
        return RecognizerResult(
            text=text,
            altered_text=luis_result.altered_query,
            intents={name: IntentScore(score=found.score) for name, found in intents.items()},
            entities=LuisUtil.extract_entities_and_metadata(
                luis_result.entities, luis_result.composite_entities, True
            ),
        )
