"""The bot's messages on botbuilder: activities that hold only their own fields."""

from typing import Any

from botbuilder.schema import Activity, ActivityTypes, InputHints


class Message(Activity):
    """An activity that holds only the fields it was given; the others read as None, from
    the class. msrest's Activity sets all forty of its fields in every instance, and a
    prompt's activities are copied at every send and turned to JSON at every save."""

    def __init__(self, **fields: Any) -> None:  # no super().__init__: it sets every field
        self.additional_properties: dict[str, Any] = {}
        vars(self).update(fields)


for _field in Activity._attribute_map:
    setattr(Message, _field, None)


def message(text: str, hint: InputHints | str) -> Activity:
    """A message activity: `text`, spoken as written, with its input hint."""
    # The enums' values, not the members (equal to them): cheaper to copy and to write.
    return Message(
        type=ActivityTypes.message.value,
        text=text,
        speak=text,
        input_hint=hint.value if isinstance(hint, InputHints) else hint,
    )
