"""The bot greets people who join and then starts its root dialog."""

import json
from pathlib import Path
from typing import Any, cast

from bots.dialog_and_welcome_bot import DialogAndWelcomeBot
from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from sdk import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ComponentDialog,
    DialogContext,
    activity_to_json,
)
from sdk.testing import TestAdapter
from storage.bot_state import ConversationState, UserState
from storage.memory import MemoryStorage
from tests.conftest import StubRecognizer

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


class MockRootDialog(ComponentDialog):
    def __init__(self) -> None:
        super().__init__("mockRootDialog")

    async def begin_dialog(self, dialog_context: DialogContext, options: Any = None):
        await dialog_context.context.send_activity(f"{self.id} mock invoked")
        return await dialog_context.end_dialog()


def make_bot(dialog: Any) -> TestAdapter:
    """A test adapter talking to the bot with `dialog`."""
    storage = MemoryStorage()
    bot = DialogAndWelcomeBot(ConversationState(storage), UserState(storage), dialog)
    return TestAdapter(bot.on_turn)


def members_added(*ids: str) -> Activity:
    return Activity(
        type=ActivityTypes.conversation_update,
        members_added=[ChannelAccount(id=member) for member in ids],
    )


async def test_a_new_user_gets_the_card_then_the_dialog() -> None:
    adapter = make_bot(MockRootDialog())

    card, dialog_reply = await adapter.send(members_added("theUser"))
    assert card.text is None
    assert [attachment.content_type for attachment in card.attachments] == [ADAPTIVE_CARD]
    assert cast(dict[str, Any], card.attachments[0].content)["type"] == "AdaptiveCard"
    assert dialog_reply.text == "mockRootDialog mock invoked"


async def test_only_the_bot_joining_sends_nothing() -> None:
    adapter = make_bot(MockRootDialog())

    assert await adapter.send(members_added("bot")) == []


async def test_many_joining_at_once_get_one_greeting() -> None:
    adapter = make_bot(MockRootDialog())

    replies = await adapter.send(members_added("bot", "ann", "bob", "cy"))

    assert [reply.text for reply in replies] == [
        None,
        "mockRootDialog mock invoked",
    ]


async def test_other_conversation_updates_send_nothing() -> None:
    adapter = make_bot(MockRootDialog())

    replies = await adapter.send(
        Activity(
            type=ActivityTypes.conversation_update,
            members_removed=[ChannelAccount(id="theUser")],
        )
    )

    assert replies == []


async def test_with_the_real_dialog_and_no_recognizer() -> None:
    dialog = MainDialog(StubRecognizer(configured=False), BookingDialog())
    adapter = make_bot(dialog)

    card, note, question = await adapter.send(members_added("theUser"))
    assert card.attachments[0].content_type == ADAPTIVE_CARD
    assert (note.text or "").startswith("NOTE: LUIS is not configured.")
    assert question.text == "Where would you like to travel to?"


WRITTEN_CARD = json.loads(
    (Path(__file__).parents[2] / "cards" / "welcomeCard.json").read_text(encoding="utf-8")
)


async def test_every_greeting_carries_the_whole_card_as_written() -> None:
    adapter = make_bot(MockRootDialog())

    replies = await adapter.send(members_added("ann")) + await adapter.send(members_added("bob"))

    cards = [reply for reply in replies if reply.attachments]
    assert len(cards) == 2
    for card in cards:
        assert activity_to_json(card)["attachments"][0]["content"] == WRITTEN_CARD
