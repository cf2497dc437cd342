"""The two kinds of bot message: a question, and a statement that needs no answer."""

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, InputHints


def question(text: str) -> Activity:
    """A prompt: spoken as written, and the user is expected to answer."""
    return _message(text, InputHints.expecting_input)


def statement(text: str) -> Activity:
    """Information: spoken as written, and the bot goes on without waiting."""
    return _message(text, InputHints.ignoring_input)


class Message(Activity):
    """An activity that holds only the fields it was given; the others read as None, from
    the class. A prompt's activities stay in the dialog state, which is pickled at every
    load and save, and forty empty fields were most of it."""

    def __init__(self, **fields: Any) -> None:  # no super().__init__: it sets every field
        self.additional_properties: dict[str, Any] = {}
        vars(self).update(fields)


for _field in Activity._attribute_map:
    setattr(Message, _field, None)


def _message(text: str, hint: InputHints) -> Activity:
    # The enums' values, not the members (equal to them): pickle writes a string at once but
    # an enum member through Python code.
    return Message(type=ActivityTypes.message.value, text=text, speak=text, input_hint=hint.value)


async def warn_unsupported_airports(turn_context: TurnContext, names: list[str]) -> None:
    if names:
        await turn_context.send_activity(
            statement(f"Sorry but the following airports are not supported: {', '.join(names)}")
        )
