"""The bot's messages are activities that hold only their own fields: they stay in the dialog
state, which is pickled at every load and save, and stored as JSON in Blob or Cosmos DB."""

import copy
import pickle

import jsonpickle
import pytest
from botbuilder.schema import Activity

from helpers.message_helper import question, statement
from sdk.botbuilder.activity_json import to_json


@pytest.mark.parametrize(
    ("make", "hint"), [(question, "expectingInput"), (statement, "ignoringInput")]
)
def test_a_message_is_written_as_the_activity_it_stands_for(make, hint: str) -> None:
    message = make("On what date would you like to travel?")
    activity = Activity(
        type="message",
        text="On what date would you like to travel?",
        speak="On what date would you like to travel?",
        input_hint=hint,
    )

    assert isinstance(message, Activity)
    assert to_json(message) == to_json(activity)
    assert message.channel_id is None
    assert message.additional_properties == {}


def test_a_message_survives_the_stores_and_copies_unchanged() -> None:
    message = question("Where would you like to travel to?")
    sent = copy.copy(message)
    sent.channel_id = "emulator"

    for kept in (
        pickle.loads(pickle.dumps(message)),
        jsonpickle.decode(jsonpickle.encode(message)),
        copy.deepcopy(message),
    ):
        assert to_json(kept) == {
            "type": "message",
            "text": "Where would you like to travel to?",
            "speak": "Where would you like to travel to?",
            "inputHint": "expectingInput",
        }
    assert message.channel_id is None
    assert sent.channel_id == "emulator"


def test_a_pickled_message_is_a_fraction_of_a_pickled_activity() -> None:
    text = "Where would you like to travel to?"
    activity = Activity(type="message", text=text, speak=text, input_hint="expectingInput")

    assert len(pickle.dumps(question(text))) < len(pickle.dumps(activity)) / 2
