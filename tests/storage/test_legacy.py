"""Records the bot stored before the plain JSON form (jsonpickle's JSON, in Blob Storage and
Cosmos DB) read into that form; records that hold anything else refused, without importing
or running anything they name."""

import json
import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.legacy import UnreadableRecord, read_record

RECORDS = json.loads(
    (Path(__file__).parent.parent / "data" / "legacy_state" / "records.json").read_text()
)["records"]

DIALOG_STATE = "botbuilder.dialogs.dialog_state.DialogState"
DIALOG_INSTANCE = "botbuilder.dialogs.dialog_instance.DialogInstance"
PROMPT_OPTIONS = "botbuilder.dialogs.prompts.prompt_options.PromptOptions"
MESSAGE = "helpers.message_helper.Message"
BOOKING = "booking_details.BookingDetails"


def stored(store: str, name: str) -> dict[str, Any]:
    """The record of conversation `name` as `store` kept it (for Cosmos DB, the document's
    `document`)."""
    (record,) = (
        record
        for record in RECORDS
        if record["store"] == store and record["key"].endswith(f"/conversation-{name}")
    )
    body = json.loads(record["body"])
    return body["document"] if store == "cosmos" else body


def question(text: str) -> dict[str, Any]:
    return {"type": "message", "text": text, "speak": text, "inputHint": "expectingInput"}


def test_a_booking_at_the_confirmation_reads_with_its_shared_list_resolved() -> None:
    confirm_prompt = {
        "id": "ConfirmPrompt",
        "state": {
            "options": {
                "prompt": question(
                    "Please confirm, I have you traveling to: Berlin from: Paris on: 2035-03-03."
                ),
                "validations": {
                    "destination": "Berlin",
                    "origin": "Paris",
                    "travel_date": "2035-03-03",
                    "unsupported_airports": [],
                },
                "numberOfAttempts": 0,
            },
            "state": {},
        },
    }
    booking_waterfall = {
        "id": "BookingWaterfall",
        "state": {
            "options": {
                "destination": "Berlin",
                "origin": "Paris",
                "travelDate": "2035-03-03",
                # Stored as {"py/id": 17}: the list in the validations above.
                "unsupportedAirports": [],
            },
            "values": {},
            "instanceId": "cdcad2b4-f240-11f1-bbb4-02fc00000001",
            "stepIndex": 3,
        },
    }
    main_waterfall = {
        "id": "MainWaterfall",
        "state": {
            "options": None,
            "values": {},
            "instanceId": "cdc8a246-f240-11f1-bbb4-02fc00000001",
            "stepIndex": 1,
        },
    }
    booking_dialog = {
        "id": "BookingDialog",
        "state": {"dialogs": {"dialogStack": [confirm_prompt, booking_waterfall]}},
    }
    main_dialog = {
        "id": "MainDialog",
        "state": {"dialogs": {"dialogStack": [booking_dialog, main_waterfall]}},
    }

    assert read_record(stored("blob", "confirmation")) == {
        "version": 1,
        "DialogState": {"dialogStack": [main_dialog]},
        "RecentActivities": ["ac2a1e2d139e5b5c", "c2a659502a51b396"],
        # As botbuilder-azure wrote it in the blob: the store gives the blob's own instead.
        "e_tag": "0x21946529EB41DA0",
    }


def test_a_city_asked_again_after_an_unsupported_one_reads_with_the_airport_kept() -> None:
    city_prompt = {
        "id": "CityPrompt",
        "state": {
            "options": {
                "prompt": question("From what city will you be travelling?"),
                "validations": {"role": "From", "other": "Paris"},
                "numberOfAttempts": 0,
            },
            "state": {},
        },
    }
    booking_waterfall = {
        "id": "BookingWaterfall",
        "state": {
            "options": {
                "destination": "Paris",
                "origin": None,
                "travelDate": None,
                "unsupportedAirports": ["Rome"],
            },
            "values": {},
            "instanceId": "cdb6bc34-f240-11f1-bbb4-02fc00000001",
            "stepIndex": 1,
        },
    }
    main_waterfall = {
        "id": "MainWaterfall",
        "state": {
            "options": None,
            "values": {},
            "instanceId": "cdb48d88-f240-11f1-bbb4-02fc00000001",
            "stepIndex": 1,
        },
    }
    booking_dialog = {
        "id": "BookingDialog",
        "state": {"dialogs": {"dialogStack": [city_prompt, booking_waterfall]}},
    }

    assert read_record(stored("blob", "origin-unsupported")) == {
        "version": 1,
        "DialogState": {
            "dialogStack": [
                {
                    "id": "MainDialog",
                    "state": {"dialogs": {"dialogStack": [booking_dialog, main_waterfall]}},
                }
            ]
        },
        "RecentActivities": ["bfe8e0632dd7eeb5", "b6742098c6ee35d1"],
        "e_tag": "0x257F15C00616340",
    }


def test_a_date_asked_again_in_cosmos_db_reads_with_its_retry_prompt_and_attempt() -> None:
    date_prompt = {
        "id": "DatePrompt",
        "state": {
            "options": {
                "prompt": question("On what date would you like to travel?"),
                "retryPrompt": question(
                    "I'm sorry, for best results, please enter your travel date including the "
                    "month, day and year. "
                ),
                "numberOfAttempts": 1,
            },
            "state": {},
        },
    }
    date_waterfall = {
        "id": "DateResolverWaterfall",
        "state": {
            "options": None,
            "values": {},
            "instanceId": "ce446624-f240-11f1-bbb4-02fc00000001",
            "stepIndex": 0,
        },
    }
    booking_waterfall = {
        "id": "BookingWaterfall",
        "state": {
            "options": {
                "destination": "Paris",
                "origin": "Berlin",
                "travelDate": None,
                "unsupportedAirports": [],
            },
            "values": {},
            "instanceId": "ce4463fe-f240-11f1-bbb4-02fc00000001",
            "stepIndex": 2,
        },
    }
    main_waterfall = {
        "id": "MainWaterfall",
        "state": {
            "options": None,
            "values": {},
            "instanceId": "ce428264-f240-11f1-bbb4-02fc00000001",
            "stepIndex": 1,
        },
    }
    date_dialog = {
        "id": "DateResolverDialog",
        "state": {"dialogs": {"dialogStack": [date_prompt, date_waterfall]}},
    }
    booking_dialog = {
        "id": "BookingDialog",
        "state": {"dialogs": {"dialogStack": [date_dialog, booking_waterfall]}},
    }

    assert read_record(stored("cosmos", "date-retry")) == {
        "version": 1,
        "DialogState": {
            "dialogStack": [
                {
                    "id": "MainDialog",
                    "state": {"dialogs": {"dialogStack": [booking_dialog, main_waterfall]}},
                }
            ]
        },
        "RecentActivities": ["28e2569c406b4ddb", "a256a815a598a258", "29be0efd577ea86c"],
    }


def dialog_instances(stack: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every dialog instance of a stack, those of the components' own stacks included."""
    for instance in stack:
        yield instance
        inner = instance["state"].get("dialogs")
        if inner is not None:
            yield from dialog_instances(inner["dialogStack"])


def keys_of(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


@pytest.mark.parametrize(
    "record",
    RECORDS,
    ids=[f"{record['store']}-{record['key'].rsplit('-', 1)[0][-40:]}" for record in RECORDS],
)
def test_every_record_the_bot_stored_reads_into_the_plain_form(record: dict[str, Any]) -> None:
    body = json.loads(record["body"])
    data = body["document"] if record["store"] == "cosmos" else body

    read = read_record(data)

    assert read["version"] == 1
    assert read["RecentActivities"] == data["RecentActivities"]
    assert not [key for key in keys_of(read) if key.startswith("py/") or key.startswith("_")]
    json.dumps(read, allow_nan=False)  # plain JSON
    (main,) = read["DialogState"]["dialogStack"]
    assert main["id"] == "MainDialog"
    instances = list(dialog_instances([main]))
    assert instances[-1]["id"] == "MainWaterfall"
    for instance in instances:
        assert set(instance) == {"id", "state"}
        if instance["id"].endswith("Prompt"):
            assert set(instance["state"]) == {"options", "state"}
            options = instance["state"]["options"]
            assert isinstance(options["numberOfAttempts"], int)
            assert options["prompt"]["type"] == "message"
            assert options["prompt"]["inputHint"] == "expectingInput"
        elif instance["id"].endswith("Waterfall"):
            assert set(instance["state"]) == {"options", "values", "instanceId", "stepIndex"}
        if instance["id"] == "BookingWaterfall":
            assert set(instance["state"]["options"]) == {
                "destination",
                "origin",
                "travelDate",
                "unsupportedAirports",
            }


def without_what_each_run_made(read: dict[str, Any]) -> dict[str, Any]:
    """The record read, less its dialogs' instance ids, its digests and any e-tag: they
    differ from one recording to the other."""
    kept = {key: value for key, value in read.items() if key not in ("RecentActivities", "e_tag")}
    for instance in dialog_instances(kept["DialogState"]["dialogStack"]):
        instance["state"].pop("instanceId", None)
    return kept


@pytest.mark.parametrize(
    "name",
    sorted({record["key"].rsplit("/conversation-", 1)[1] for record in RECORDS}),
)
def test_a_conversation_reads_the_same_from_blob_storage_and_cosmos_db(name: str) -> None:
    from_blob = without_what_each_run_made(read_record(stored("blob", name)))
    from_cosmos = without_what_each_run_made(read_record(stored("cosmos", name)))

    assert from_blob == from_cosmos


def test_a_record_in_the_plain_form_is_returned_as_it_is() -> None:
    record = {
        "version": 1,
        "DialogState": {"dialogStack": []},
        "RecentActivities": ["1f0c9a4e7d2b3c58"],
        "py/object": "would be refused in an old record",
    }

    assert read_record(record) is record
    assert record["py/object"] == "would be refused in an old record"


def test_a_reference_finds_the_object_jsonpickle_numbered_so() -> None:
    record = {  # 0
        "DialogState": {  # 1
            "py/object": DIALOG_STATE,
            "_dialog_stack": [  # 2
                {  # 3
                    "py/object": DIALOG_INSTANCE,
                    "id": "TextPrompt",
                    "state": {  # 4
                        "options": {  # 5
                            "py/object": PROMPT_OPTIONS,
                            "prompt": {  # 6
                                "py/object": MESSAGE,
                                "additional_properties": {},  # 7
                                "type": {  # 8
                                    "py/reduce": [
                                        {
                                            "py/type": (
                                                "botbuilder.schema._connector_client_enums."
                                                "ActivityTypes"
                                            )
                                        },
                                        {"py/tuple": ["message"]},
                                    ]
                                },
                                "text": "Where to?",
                            },
                            "retry_prompt": {  # 9
                                "py/object": MESSAGE,
                                "type": {"py/id": 8},
                                "text": "Where to, again?",
                            },
                            "validations": {"py/tuple": [["Rome"], ["Milan"]]},  # 10, 11
                            "number_of_attempts": 0,
                        },
                        "state": {"chosen": {"py/id": 11}, "first": {"py/id": 10}},  # 12
                    },
                }
            ],
        },
        "RecentActivities": [],  # 13
    }

    read = read_record(record)

    (prompt,) = read["DialogState"]["dialogStack"]
    assert prompt["state"] == {
        "options": {
            "prompt": {"type": "message", "text": "Where to?"},
            "retryPrompt": {"type": "message", "text": "Where to, again?"},
            "validations": [["Rome"], ["Milan"]],
            "numberOfAttempts": 0,
        },
        "state": {"chosen": ["Milan"], "first": ["Rome"]},
    }


def test_a_reference_is_a_copy_that_changes_alone() -> None:
    record = {"RecentActivities": ["a"], "Again": {"py/id": 1}}

    read = read_record(record)
    read["Again"].append("b")

    assert read["RecentActivities"] == ["a"]


def test_the_schemas_objects_in_an_activity_are_written_as_bot_framework_json() -> None:
    schema = "botbuilder.schema._models_py3"
    enums = "botbuilder.schema._connector_client_enums"
    activity: dict[str, Any] = {
        "py/object": f"{schema}.Activity",
        "additional_properties": {"x-custom": 1, "text": "not this one"},
        "type": {"py/reduce": [{"py/type": f"{enums}.ActivityTypes"}, {"py/tuple": ["message"]}]},
        "id": None,
        "from_property": {
            "py/object": f"{schema}.ChannelAccount",
            "additional_properties": {},
            "id": "bot",
            "aad_object_id": None,
        },
        "conversation": {
            "py/object": f"{schema}.ConversationAccount",
            "additional_properties": {},
            "id": "c1",
            "tenant_id": "t1",
            "is_group": False,
        },
        "text": "Pick one",
        "suggested_actions": {
            "py/object": f"{schema}.SuggestedActions",
            "additional_properties": {},
            "actions": [
                {
                    "py/object": f"{schema}.CardAction",
                    "additional_properties": {},
                    "type": {
                        "py/reduce": [{"py/type": f"{enums}.ActionTypes"}, {"py/tuple": ["imBack"]}]
                    },
                    "title": "Yes",
                    "display_text": "Yes!",
                    "value": "yes",
                }
            ],
        },
        "attachments": [
            {
                "py/object": f"{schema}.Attachment",
                "additional_properties": {},
                "content_type": "application/vnd.microsoft.card.hero",
                "content": {
                    "py/object": f"{schema}.HeroCard",
                    "additional_properties": {},
                    "title": "Paris",
                    "images": [{"py/object": f"{schema}.CardImage", "url": "https://x/p.png"}],
                },
            }
        ],
        "entities": [
            {
                "py/object": f"{schema}.Mention",
                "additional_properties": {},
                "text": "<at>bot</at>",
                "type": "mention",
            }
        ],
        "input_hint": {
            "py/reduce": [{"py/type": f"{enums}.InputHints"}, {"py/tuple": ["expectingInput"]}]
        },
        "text_format": {"py/tuple": []},
    }

    read = read_record({"Prompt": activity})

    assert read["Prompt"] == {
        "type": "message",
        "from": {"id": "bot"},
        "conversation": {"isGroup": False, "id": "c1", "tenantID": "t1"},
        "textFormat": [],
        "text": "Pick one",
        "inputHint": "expectingInput",
        "suggestedActions": {
            "actions": [{"type": "imBack", "title": "Yes", "displayText": "Yes!", "value": "yes"}]
        },
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.hero",
                "content": {"title": "Paris", "images": [{"url": "https://x/p.png"}]},
            }
        ],
        "entities": [{"text": "<at>bot</at>", "type": "mention"}],
        "x-custom": 1,
    }


class Canary:
    """A module that records its import by creating a file: it must never be imported."""

    def __init__(self, folder: Path) -> None:
        self.marker = folder / "imported"
        (folder / "legacy_canary.py").write_text(
            "from pathlib import Path\n"
            f"Path({str(self.marker)!r}).touch()\n"
            "class Thing:\n"
            "    pass\n"
            "def boom(*args):\n"
            f"    Path({str(self.marker)!r}).touch()\n"
        )


@pytest.fixture
def canary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Canary]:
    canary = Canary(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    modules = set(sys.modules)
    yield canary
    assert not canary.marker.exists()
    assert set(sys.modules) == modules  # nothing at all was imported


def deeply_nested(depth: int) -> dict[str, Any]:
    record: dict[str, Any] = {"leaf": 1}
    for _ in range(depth):
        record = {"a": record}
    return record


def billion_laughs(levels: int) -> dict[str, Any]:
    """Each level a list of ten references to the one before: 10**levels values in all."""
    record: dict[str, Any] = {"level0": ["lol"]}  # the record is 0, the list 1
    for level in range(1, levels + 1):
        record[f"level{level}"] = [{"py/id": level}] * 10
    return record


HOSTILE: dict[str, tuple[Callable[[str], dict[str, Any]], str]] = {
    "os-system": (
        lambda marker: {
            "x": {"py/reduce": [{"py/function": "os.system"}, {"py/tuple": [f"touch {marker}"]}]}
        },
        "py/reduce: not a member of the schema's enums",
    ),
    "reduce-of-a-module-of-its-own": (
        lambda marker: {
            "x": {"py/reduce": [{"py/function": "legacy_canary.boom"}, {"py/tuple": []}]}
        },
        "py/reduce: not a member of the schema's enums",
    ),
    "enum-of-a-module-of-its-own": (
        lambda marker: {
            "x": {"py/reduce": [{"py/type": "legacy_canary.Thing"}, {"py/tuple": ["message"]}]}
        },
        "py/reduce: not a member of the schema's enums",
    ),
    "popen": (
        lambda marker: {
            "x": {
                "py/object": "subprocess.Popen",
                "py/newargs": {"py/tuple": [["touch", marker]]},
            }
        },
        "py/object, py/newargs: not an object the bot stored",
    ),
    "popen-without-arguments": (
        lambda marker: {"x": {"py/object": "subprocess.Popen", "args": ["touch", marker]}},
        "py/object 'subprocess.Popen': not an object the bot stored",
    ),
    "object-of-a-module-of-its-own": (
        lambda marker: {"x": {"py/object": "legacy_canary.Thing"}},
        "py/object 'legacy_canary.Thing': not an object the bot stored",
    ),
    "type": (
        lambda marker: {"x": {"py/type": "legacy_canary.Thing"}},
        "py/type: not an object the bot stored",
    ),
    "function": (
        lambda marker: {"x": {"py/function": "legacy_canary.boom"}},
        "py/function: not an object the bot stored",
    ),
    "module": (
        lambda marker: {"x": {"py/mod": "legacy_canary/legacy_canary"}},
        "py/mod: not an object the bot stored",
    ),
    "repr": (
        lambda marker: {"x": {"py/repr": "legacy_canary/legacy_canary.boom()"}},
        "py/repr: not an object the bot stored",
    ),
    "set": (lambda marker: {"x": {"py/set": ["a"]}}, "py/set: not an object the bot stored"),
    "bytes": (lambda marker: {"x": {"py/b64": "UGFyaXM="}}, "py/b64: not an object the bot stored"),
    "state-of-a-known-class": (
        lambda marker: {"x": {"py/object": DIALOG_INSTANCE, "py/state": {"id": "a", "state": {}}}},
        "py/object, py/state: not an object the bot stored",
    ),
    "unknown-attribute-of-a-known-class": (
        lambda marker: {
            "x": {"py/object": DIALOG_INSTANCE, "id": "a", "state": {}, "__class__": "x"}
        },
        "DialogInstance has no attribute '__class__'",
    ),
    "schema-class-not-in-an-activity": (
        lambda marker: {"x": {"py/object": "botbuilder.schema._models_py3.TokenResponse"}},
        "py/object 'botbuilder.schema._models_py3.TokenResponse': not an object the bot stored",
    ),
    "reference-to-nothing": (
        lambda marker: {"x": {"py/id": 99}},
        "py/id 99 refers to nothing before it",
    ),
    "reference-backwards": (
        lambda marker: {"x": {"py/id": -1}},
        "py/id -1 refers to nothing before it",
    ),
    "reference-not-a-number": (
        lambda marker: {"x": {"py/id": "0"}},
        "py/id '0' refers to nothing before it",
    ),
    "reference-true": (
        lambda marker: {"x": {"py/id": True}},
        "py/id True refers to nothing before it",
    ),
    "reference-to-what-follows": (
        lambda marker: {"x": {"py/id": 2}, "y": ["later"]},
        "py/id 2 refers to nothing before it",
    ),
    "cycle": (
        lambda marker: {
            "DialogState": {"py/object": DIALOG_STATE, "_dialog_stack": [{"py/id": 1}]}
        },
        "py/id 1 refers to an object that holds it",
    ),
    "record-in-itself": (
        lambda marker: {"x": {"py/id": 0}},
        "py/id 0 refers to an object that holds it",
    ),
    "huge-nesting": (lambda marker: deeply_nested(10_000), "nested deeper than 100"),
    "billion-laughs": (lambda marker: billion_laughs(9), "more than 100000 values"),
    "nan": (lambda marker: {"x": math.nan}, "nan is not JSON"),
    "not-json": (lambda marker: {"x": {1, 2}}, "a set is not JSON"),
    "a-class-as-the-record": (
        lambda marker: {"py/object": "legacy_canary.Thing"},
        "the record is an object of a class, not the state's properties",
    ),
}


@pytest.mark.parametrize(("record", "reason"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_record_holding_anything_else_is_refused_without_importing_or_running_it(
    canary: Canary, record: Callable[[str], dict[str, Any]], reason: str
) -> None:
    with pytest.raises(UnreadableRecord) as raised:
        read_record(record(str(canary.marker)))

    assert str(raised.value) == reason


def test_a_record_that_is_no_json_object_is_refused() -> None:
    with pytest.raises(UnreadableRecord, match=r"^the record is not a JSON object$"):
        read_record(["DialogState"])  # type: ignore[arg-type]  # what a caller might pass
