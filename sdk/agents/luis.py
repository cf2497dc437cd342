"""LUIS on the agents build: not yet."""

from recognizers.result import RecognizerResult
from sdk.agents import TurnContext


class LuisRecognizer:
    def __init__(self, app_id: str, key: str, host: str, timeout: float = 5.0) -> None:
        raise NotImplementedError("LUIS on the agents build")

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        raise NotImplementedError
