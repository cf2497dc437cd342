"""The two kinds of bot message: a question, and a statement that needs no answer."""

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, InputHints


def question(text: str) -> Activity:
    """A prompt: spoken as written, and the user is expected to answer."""
    return _message(text, InputHints.expecting_input)


def statement(text: str) -> Activity:
    """Information: spoken as written, and the bot goes on without waiting."""
    return _message(text, InputHints.ignoring_input)


def _message(text: str, hint: InputHints) -> Activity:
    # The enums' values, not the members (equal to them): a prompt's activities stay in the
    # dialog state, and pickle, which fingerprints the state twice a turn, writes a string
    # at once but an enum member through Python code.
    return Activity(type=ActivityTypes.message.value, text=text, speak=text, input_hint=hint.value)


async def warn_unsupported_airports(turn_context: TurnContext, names: list[str]) -> None:
    if names:
        await turn_context.send_activity(
            statement(f"Sorry but the following airports are not supported: {', '.join(names)}")
        )
