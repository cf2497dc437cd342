"""storage.legacy reads a record as jsonpickle's own Unpickler restores it (then written in
the plain form by the small conversion below), for every record the bot stored and for
states it could have stored; its tables are botbuilder's own."""

import enum
import importlib
import inspect
import json
from pathlib import Path
from typing import Any

import jsonpickle
import pytest
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import (
    ActionTypes,
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    CardImage,
    ChannelAccount,
    ConversationAccount,
    HeroCard,
    InputHints,
    Mention,
    SuggestedActions,
)
from jsonpickle.unpickler import Unpickler
from msrest.serialization import Model

import helpers.message_helper
from booking_details import BookingDetails
from helpers.message_helper import question
from sdk.botbuilder.message import Message
from storage import legacy
from storage.legacy import read_record

# botbuilder-schema's own modules, where its classes and enums are defined.
MODELS = importlib.import_module("botbuilder.schema._models_py3")
ENUMS = importlib.import_module("botbuilder.schema._connector_client_enums")
RECORDS = json.loads(
    (Path(__file__).parents[2] / "data" / "legacy_state" / "records.json").read_text()
)["records"]


def plain(value: Any) -> Any:
    """An object jsonpickle restored, in the plain form of docs/stored-state.md."""
    if isinstance(value, DialogState):
        return {"dialogStack": [plain(instance) for instance in value.dialog_stack]}
    if isinstance(value, DialogInstance):
        return {"id": value.id, "state": plain(value.state)}
    if isinstance(value, PromptOptions):
        fields = {
            "prompt": value.prompt,
            "retryPrompt": value.retry_prompt,
            "choices": value.choices,
            "style": value.style,
            "validations": value.validations,
        }
        written = {key: plain(field) for key, field in fields.items() if field is not None}
        return {**written, "numberOfAttempts": value.number_of_attempts}
    if isinstance(value, BookingDetails):
        return {
            "destination": value.destination,
            "origin": value.origin,
            "travelDate": value.travel_date,
            "unsupportedAirports": plain(value.unsupported_airports),
        }
    if isinstance(value, Model):
        written = {
            field["key"]: plain(getattr(value, attribute))
            for attribute, field in type(value)._attribute_map.items()
            if getattr(value, attribute) is not None
        }
        for key, extra in (value.additional_properties or {}).items():
            written.setdefault(key, plain(extra))
        return written
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    assert value is None or type(value) in (str, int, float, bool), type(value)
    return value


@pytest.fixture(autouse=True)
def message_class_where_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    """The records name `helpers.message_helper.Message`, where the class was when they were
    written (sdk/botbuilder/message.py has it now): jsonpickle looks for it there."""
    monkeypatch.setattr(helpers.message_helper, "Message", Message, raising=False)


def restored(data: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, **plain(Unpickler().restore(json.loads(json.dumps(data))))}


@pytest.mark.parametrize(
    "record",
    RECORDS,
    ids=[f"{record['store']}-{record['key'].rsplit('-', 1)[0][-40:]}" for record in RECORDS],
)
def test_every_record_reads_as_jsonpickle_restores_it(record: dict[str, Any]) -> None:
    body = json.loads(record["body"])
    data = body["document"] if record["store"] == "cosmos" else body

    assert read_record(data) == restored(data)


def states_the_bot_could_have_stored() -> dict[str, dict[str, Any]]:
    """States whose references (repeated lists, repeated enum members) make jsonpickle
    number its objects, and activities holding the schema's objects."""
    booking = BookingDetails(destination="Paris", unsupported_airports=["Rome", "Milan"])
    asked = question("From what city will you be travelling?")
    repeated = ["a", "b"]
    activity = Activity(
        type=ActivityTypes.message,
        text="Pick one",
        input_hint=InputHints.expecting_input,
        from_property=ChannelAccount(id="bot", name="Bot"),
        conversation=ConversationAccount(id="c1", tenant_id="t1", is_group=False),
        suggested_actions=SuggestedActions(
            actions=[
                CardAction(type=ActionTypes.im_back, title="Yes", value="yes"),
                CardAction(type=ActionTypes.im_back, title="No", value="no"),
            ]
        ),
        attachments=[
            Attachment(
                content_type="application/vnd.microsoft.card.hero",
                content=HeroCard(title="Paris", images=[CardImage(url="https://x/p.png")]),
            )
        ],
        # A Mention is no Entity to the schema's types, but botbuilder puts it among them.
        entities=[Mention(text="<at>Bot</at>", type="mention", mentioned=ChannelAccount(id="b"))],  # type: ignore[list-item]
    )
    activity.additional_properties = {"x-custom": {"nested": [1, 2]}}
    prompt = DialogInstance(
        "CityPrompt",
        {
            "options": PromptOptions(
                prompt=asked, retry_prompt=activity, validations=booking.__dict__
            ),
            "state": {"pair": ("x", ["y"]), "seen": repeated},
        },
    )
    waterfall = DialogInstance(
        "BookingWaterfall",
        {
            "options": booking,
            "values": {
                "again": repeated,
                "pair": ("x", repeated),
                "hint": InputHints.expecting_input,
            },
            "instanceId": "i",
            "stepIndex": 1,
        },
    )
    component = DialogInstance("BookingDialog", {"dialogs": DialogState([prompt, waterfall])})
    return {
        "shared": {"DialogState": DialogState([component]), "RecentActivities": ["d1"]},
        "activity-twice": {"First": activity, "Second": activity, "Third": [activity]},
    }


STATES = states_the_bot_could_have_stored()


@pytest.mark.parametrize("state", STATES.values(), ids=STATES.keys())
def test_a_state_jsonpickle_wrote_reads_as_jsonpickle_restores_it(state: dict[str, Any]) -> None:
    # As the bot wrote it, when its messages' class was in helpers/message_helper.py.
    written = jsonpickle.encode(state).replace(
        f"{Message.__module__}.{Message.__qualname__}", legacy.MESSAGE
    )
    data = json.loads(written)

    assert "py/id" in json.dumps(data)
    assert read_record(data) == restored(data)


def test_the_schemas_classes_are_read_with_their_attributes_and_json_names() -> None:
    for name, attributes in legacy.SCHEMA_CLASSES.items():
        attribute_map = getattr(MODELS, name)._attribute_map
        stored = {"py/object": f"{MODELS.__name__}.{name}", **{key: key for key in attribute_map}}

        assert attributes == tuple(attribute_map), name
        assert read_record({"x": stored})["x"] == {
            field["key"]: attribute for attribute, field in attribute_map.items()
        }, name


def test_the_schemas_enums_are_read() -> None:
    enums = {
        f"{module.__name__}.{name}"
        for module in (ENUMS, MODELS)
        for name, kind in vars(module).items()
        if inspect.isclass(kind)
        and issubclass(kind, enum.Enum)
        and kind.__module__ == module.__name__
    }

    assert enums == legacy.SCHEMA_ENUMS


def test_the_dialogs_objects_are_read_with_their_attributes() -> None:
    assert set(vars(DialogState())) == {"_dialog_stack"}
    assert set(vars(DialogInstance())) == {"id", "state"}
    assert set(vars(PromptOptions())) == set(legacy.PROMPT_OPTIONS_FIELDS)
    assert set(vars(BookingDetails())) == set(legacy.BOOKING_FIELDS)
    for name, kind in {
        legacy.DIALOG_STATE: DialogState,
        legacy.DIALOG_INSTANCE: DialogInstance,
        legacy.PROMPT_OPTIONS: PromptOptions,
        legacy.BOOKING_DETAILS: BookingDetails,
    }.items():
        assert f"{kind.__module__}.{kind.__qualname__}" == name
