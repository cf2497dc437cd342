"""`to_json` writes exactly what msrest's `Model.serialize()` writes."""

from datetime import UTC, datetime, timedelta, timezone
from enum import Enum

import pytest
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    ChannelAccount,
    ConversationAccount,
    Entity,
    SuggestedActions,
)
from msrest.serialization import Model

from adapter_with_error_handler import error_trace
from bots.dialog_and_welcome_bot import DialogAndWelcomeBot
from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from recognizers.embedded_recognizer import EmbeddedRecognizer
from sdk.botbuilder.activity_json import to_json
from sdk.testing import TestAdapter
from storage.bot_state import ConversationState, UserState
from storage.memory import MemoryStorage


async def everything_the_bot_says() -> list[Activity]:
    storage = MemoryStorage()
    dialog = MainDialog(EmbeddedRecognizer.from_file(), BookingDialog())
    bot = DialogAndWelcomeBot(ConversationState(storage), UserState(storage), dialog)
    adapter = TestAdapter(bot.on_turn)
    replies = await adapter.send(
        Activity(type=ActivityTypes.conversation_update, members_added=[ChannelAccount(id="u")])
    )
    for text in [
        "book a flight to Paris",
        "?",
        "Berlin",
        "tomorrow",
        "no",
        "sing me a song",
        "quit",
    ]:
        replies += await adapter.send(text)
    return replies


async def test_every_reply_of_a_conversation_is_written_as_msrest_writes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replies = await everything_the_bot_says()
    by_msrest = [reply.serialize() for reply in replies]

    def unused(*args: object, **kwargs: object) -> None:
        raise AssertionError("msrest was used")

    monkeypatch.setattr(Model, "serialize", unused)
    assert len(replies) > 10
    assert any(reply.attachments for reply in replies)
    assert [to_json(reply) for reply in replies] == by_msrest


class Colour(Enum):
    RED = "red"


@pytest.mark.parametrize(
    "activity",
    [
        error_trace(RuntimeError("boom")),
        Activity(type="message", timestamp=datetime(2026, 11, 21, 9, 30, 5, 120000, UTC)),
        Activity(
            type="message",
            local_timestamp=datetime(2026, 11, 21, 9, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
        # msrest parses strings
        Activity(type="message", timestamp="2026-11-21T09:30:00Z"),  # type: ignore[arg-type]
        Activity(
            type=ActivityTypes.message,
            from_property=ChannelAccount(id="u", name="Ann", role="user"),
            conversation=ConversationAccount(id="c", is_group=False),
            members_added=[ChannelAccount(id="a"), None],  # type: ignore[list-item]  # on purpose
            entities=[Entity(type="mention")],
            channel_data={"a": [1, 2.5, None, {"b": True}], 3: ChannelAccount(id="x")},
            value={"when": datetime(2026, 1, 1, tzinfo=UTC)},
            suggested_actions=SuggestedActions(
                to=["u"], actions=[CardAction(type="imBack", title="Yes", value="Yes")]
            ),
            attachments=[Attachment(content_type="text/plain", content="hello")],
            listen_for=["yes", "no"],
            history_disclosed="yes",
        ),
        Activity(type="message", value=Colour.RED, text=Colour.RED),  # type: ignore[arg-type]  # a str enum
        Activity(type="message", channel_data=("a", "tuple")),
    ],
)
def test_unusual_values_are_written_as_msrest_writes_them(activity: Activity) -> None:
    assert to_json(activity) == activity.serialize()
