"""The two kinds of bot message: a question, and a statement that needs no answer."""

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Activity, InputHints


def question(text: str) -> Activity:
    """A prompt: spoken as written, and the user is expected to answer."""
    return MessageFactory.text(text, text, InputHints.expecting_input)


def statement(text: str) -> Activity:
    """Information: spoken as written, and the bot goes on without waiting."""
    return MessageFactory.text(text, text, InputHints.ignoring_input)


async def warn_unsupported_airports(turn_context: TurnContext, names: list[str]) -> None:
    if names:
        await turn_context.send_activity(
            statement(f"Sorry but the following airports are not supported: {', '.join(names)}")
        )
