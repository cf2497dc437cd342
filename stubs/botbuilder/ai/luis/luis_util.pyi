# Incomplete: helpers that turn a LUIS answer into a RecognizerResult.
from typing import Any

class LuisUtil:
    @staticmethod
    def get_intents(luis_result: Any) -> dict[str, Any]: ...
    @staticmethod
    def extract_entities_and_metadata(
        entities: Any, composite_entities: Any, verbose: bool
    ) -> dict[str, Any]: ...
