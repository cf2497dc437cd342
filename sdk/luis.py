"""The LUIS back end of the chosen SDK's build (imported only when RECOGNIZER=luis)."""

from sdk import AGENTS

if AGENTS:
    from sdk.agents.luis import LuisRecognizer
else:
    from sdk.botbuilder.luis import LuisRecognizer

__all__ = ["LuisRecognizer"]
