"""Reading a request's activity: both builds take and refuse the same bodies, for the same
reasons, whichever SDK reads them (channel/requests.py)."""

from typing import Any

import pytest

from channel.requests import InvalidRequest, parse_activity

BODY: dict[str, Any] = {
    "type": "message",
    "id": "activity-1",
    "channelId": "emulator",
    "serviceUrl": "http://127.0.0.1:9/",
    "conversation": {"id": "conversation-1"},
    "from": {"id": "user-1", "name": "User"},
    "recipient": {"id": "bot-1", "name": "Bot"},
    "locale": "en-US",
    "text": "book a flight",
}


def parsed(**change: Any) -> Any:
    return parse_activity({**BODY, **change})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"text": 123}, "text must be a string"),
        ({"text": ["Berlin"]}, "text must be a string"),
        ({"text": True}, "text must be a string"),
        ({"id": 5}, "id must be a string"),
        ({"locale": 1}, "locale must be a string"),
        ({"deliveryMode": 5}, "deliveryMode must be a string"),
        ({"name": 42}, "name must be a string"),
        ({"from": {"id": 8}}, "from.id must be a string"),
        ({"recipient": {"id": "bot-1", "name": {"first": "Bot"}}}, "recipient.name must be a string"),
        ({"conversation": {"id": "conversation-1", "tenantId": 7}}, "conversation.tenantId must be a string"),
        ({"conversation": {"id": "conversation-1", "isGroup": "true"}}, "conversation.isGroup must be true or false"),
        ({"from": "user-1"}, "from must be an object"),
        ({"entities": "mention"}, "entities must be a list"),
        ({"entities": [5, "x"]}, "entities must be a list of objects"),
        ({"attachments": {"contentType": "image/png"}}, "attachments must be a list"),
        ({"membersAdded": [{"id": 5}]}, "membersAdded[].id must be a string"),
        ({"listenFor": [5]}, "listenFor must be a list of strings"),
        ({"relatesTo": "activity-0"}, "relatesTo must be an object"),
        ({"timestamp": 1765000000}, "timestamp must be a string"),
        ({"timestamp": "2026-12-07"}, "timestamp must be an ISO 8601 date and time"),
        ({"serviceUrl": 42}, "serviceUrl must be an http(s) URL"),
        ({"serviceUrl": None}, "the Activity lacks serviceUrl"),
        ({"type": 5}, "type must be a string"),
    ],
)  # fmt: skip
def test_a_field_of_the_wrong_type_is_refused_naming_it(
    change: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        parsed(**change)

    assert refused.value.status == 400
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("field", "attribute"),
    [
        ("locale", "locale"),
        ("replyToId", "reply_to_id"),
        ("name", "name"),
        ("deliveryMode", "delivery_mode"),
        ("inputHint", "input_hint"),
        ("textFormat", "text_format"),
        ("timestamp", "timestamp"),
    ],
)
def test_a_null_field_is_read_as_absent(field: str, attribute: str) -> None:
    activity = parsed(**{field: None})

    assert activity.text == "book a flight"
    assert getattr(activity, attribute) is None


def test_null_accounts_lists_and_list_items_are_read_as_absent() -> None:
    activity = parsed(
        recipient=None,
        entities=None,
        attachments=[None],
        membersAdded=[None, {"id": "user-1", "name": None}],
        channelData=None,
    )

    assert activity.recipient is None
    assert not activity.entities
    assert not activity.attachments
    assert [member.id for member in activity.members_added] == ["user-1"]
    assert activity.members_added[0].name is None


def test_an_empty_id_or_name_is_read_as_absent_and_empty_text_kept() -> None:
    activity = parsed(
        id="",
        locale="",
        replyToId="",
        text="",
        **{"from": {"id": "", "name": "User"}},
    )

    assert activity.id is None
    assert activity.locale is None
    assert activity.reply_to_id is None
    assert activity.text == ""
    assert activity.from_property.id is None
    assert activity.from_property.name == "User"


def test_parts_the_bot_does_not_read_are_taken_even_when_incomplete() -> None:
    activity = parsed(
        channelId="msteams",
        entities=[
            {"type": "mention", "mentioned": None, "text": None},
            {"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"},
        ],
        attachments=[{"content": {}}],
        reactionsAdded=[{}],
        relatesTo={"unknown": 1},
        channelData={"tenant": {"id": "tenant-1"}},
    )

    assert activity.text == "book a flight"
    assert activity.channel_data is not None
