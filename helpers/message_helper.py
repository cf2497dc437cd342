"""The two kinds of bot message: a question, and a statement that needs no answer."""

from sdk import Activity, InputHints, TurnContext, message


def question(text: str) -> Activity:
    """A prompt: spoken as written, and the user is expected to answer."""
    return message(text, InputHints.expecting_input)


def statement(text: str) -> Activity:
    """Information: spoken as written, and the bot goes on without waiting."""
    return message(text, InputHints.ignoring_input)


async def warn_unsupported_airports(turn_context: TurnContext, names: list[str]) -> None:
    if names:
        await turn_context.send_activity(
            statement(f"Sorry but the following airports are not supported: {', '.join(names)}")
        )
