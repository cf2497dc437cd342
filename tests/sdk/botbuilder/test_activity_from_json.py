"""`from_json` reads exactly what msrest's `Model.deserialize()` reads."""

import pytest
from botbuilder.schema import Activity
from msrest.serialization import Model

from sdk.botbuilder.activity_json import from_json

EMULATOR_MESSAGE = {
    "type": "message",
    "id": "4f2ec3a0-8f1e-11ef-9b4f-4d2b5e1c1a11",
    "timestamp": "2026-11-21T10:15:30.123Z",
    "localTimestamp": "2026-11-21T11:15:30+01:00",
    "localTimezone": "Europe/Paris",
    "serviceUrl": "http://localhost:50123",
    "channelId": "emulator",
    "from": {"id": "u-1", "name": "User", "role": "user"},
    "conversation": {"id": "c-1|livechat", "isGroup": False},
    "recipient": {"id": "bot-1", "name": "Bot", "role": "bot"},
    "textFormat": "plain",
    "locale": "en-US",
    "text": "book a flight to Paris",
    "attachments": [],
    "entities": [
        {"type": "ClientCapabilities", "requiresBotState": True, "supportsTts": True},
        {"type": "mention", "mentioned": {"id": "bot-1"}, "text": "<at>Bot</at>"},
    ],
    "channelData": {"clientActivityID": "1732184130123abc", "nested": [1, 2.5, None, "x"]},
}

ODD_BUT_VALID = [
    {**EMULATOR_MESSAGE, "deliveryMode": "expectReplies", "replyToId": "7"},
    {
        "type": "conversationUpdate",
        "serviceUrl": "http://x",
        "channelId": "directline",
        "conversation": {"id": "c"},
        "membersAdded": [{"id": "u"}, None, {"id": "bot", "aadObjectId": "a"}],
        "membersRemoved": [],
    },
    {
        "type": "message",
        "serviceUrl": "http://x",
        "channelId": "webchat",
        "conversation": {"id": "c"},
        "value": {"action": "submit", "n": 3},
        "suggestedActions": {"to": ["u"], "actions": [{"type": "imBack", "title": "Yes"}]},
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": {"a": [{}]}}
        ],
        "textHighlights": [{"text": "x", "occurrence": 1}],
        "unknownThing": {"kept": True},
        "anotherOne": 5,
    },
    {**EMULATOR_MESSAGE, "timestamp": "2026-11-21T10:15:30Z", "expiration": None},
]

WRONG_TYPES = [
    {**EMULATOR_MESSAGE, "text": 5},
    {**EMULATOR_MESSAGE, "conversation": "c-1"},
    {**EMULATOR_MESSAGE, "attachments": {"contentType": "x"}},
    {**EMULATOR_MESSAGE, "membersAdded": [{"id": 7}]},
    {**EMULATOR_MESSAGE, "conversation": {"id": "c", "isGroup": "true"}},
    {**EMULATOR_MESSAGE, "timestamp": 1732184130},
    {**EMULATOR_MESSAGE, "timestamp": "not a date"},
]


@pytest.mark.parametrize("body", [EMULATOR_MESSAGE, *ODD_BUT_VALID])
def test_a_body_is_read_as_msrest_reads_it_without_msrest(
    body: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_msrest = Activity.deserialize(body)

    def unused(*args: object, **kwargs: object) -> None:
        raise AssertionError("msrest was used")

    monkeypatch.setattr(Model, "deserialize", unused)
    read = from_json(Activity, body)

    assert read == by_msrest
    assert read.as_dict() == by_msrest.as_dict()
    assert getattr(read, "additional_properties", None) == getattr(
        by_msrest, "additional_properties", None
    )


@pytest.mark.parametrize("body", WRONG_TYPES)
def test_a_value_of_another_type_is_left_to_msrest(body: dict) -> None:
    try:
        expected = Activity.deserialize(body)
    except Exception as error:
        with pytest.raises(type(error)):
            from_json(Activity, body)
    else:
        assert from_json(Activity, body) == expected


def test_unknown_keys_are_kept_as_msrest_keeps_them() -> None:
    read = from_json(Activity, ODD_BUT_VALID[2])

    assert read.additional_properties == {"unknownThing": {"kept": True}, "anotherOne": 5}
