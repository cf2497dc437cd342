"""The bot greets people who join and then starts its root dialog."""

import json
from pathlib import Path
from typing import Any

from botbuilder.core import ConversationState, MemoryStorage, UserState
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import ComponentDialog, DialogContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bots.dialog_and_welcome_bot import DialogAndWelcomeBot
from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from tests.conftest import StubRecognizer

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


class MockRootDialog(ComponentDialog):
    def __init__(self) -> None:
        super().__init__("mockRootDialog")

    async def begin_dialog(self, dialog_context: DialogContext, options: Any = None):
        await dialog_context.context.send_activity(f"{self.id} mock invoked")
        return await dialog_context.end_dialog()


def make_bot(dialog: Any) -> tuple[DialogAndWelcomeBot, TestAdapter]:
    storage = MemoryStorage()
    bot = DialogAndWelcomeBot(ConversationState(storage), UserState(storage), dialog)
    return bot, TestAdapter(bot.on_turn)


def members_added(*ids: str) -> Activity:
    return Activity(
        type=ActivityTypes.conversation_update,
        members_added=[ChannelAccount(id=member) for member in ids],
    )


async def test_a_new_user_gets_the_card_then_the_dialog() -> None:
    bot, adapter = make_bot(MockRootDialog())

    await adapter.process_activity(members_added("theUser"), bot.on_turn)

    card, dialog_reply = adapter.activity_buffer
    assert card.text is None
    assert [attachment.content_type for attachment in card.attachments] == [ADAPTIVE_CARD]
    assert card.attachments[0].content["type"] == "AdaptiveCard"
    assert dialog_reply.text == "mockRootDialog mock invoked"


async def test_only_the_bot_joining_sends_nothing() -> None:
    bot, adapter = make_bot(MockRootDialog())

    await adapter.process_activity(members_added("bot"), bot.on_turn)

    assert adapter.activity_buffer == []


async def test_many_joining_at_once_get_one_greeting() -> None:
    bot, adapter = make_bot(MockRootDialog())

    await adapter.process_activity(members_added("bot", "ann", "bob", "cy"), bot.on_turn)

    assert [reply.text for reply in adapter.activity_buffer] == [
        None,
        "mockRootDialog mock invoked",
    ]


async def test_other_conversation_updates_send_nothing() -> None:
    bot, adapter = make_bot(MockRootDialog())

    await adapter.process_activity(
        Activity(
            type=ActivityTypes.conversation_update,
            members_removed=[ChannelAccount(id="theUser")],
        ),
        bot.on_turn,
    )

    assert adapter.activity_buffer == []


async def test_with_the_real_dialog_and_no_recognizer() -> None:
    dialog = MainDialog(StubRecognizer(configured=False), BookingDialog())
    bot, adapter = make_bot(dialog)

    await adapter.process_activity(members_added("theUser"), bot.on_turn)

    card, note, question = adapter.activity_buffer
    assert card.attachments[0].content_type == ADAPTIVE_CARD
    assert note.text.startswith("NOTE: LUIS is not configured.")
    assert question.text == "Where would you like to travel to?"


WRITTEN_CARD = json.loads(
    (Path(__file__).parents[2] / "cards" / "welcomeCard.json").read_text(encoding="utf-8")
)


async def test_every_greeting_carries_the_whole_card_as_written() -> None:
    bot, adapter = make_bot(MockRootDialog())

    await adapter.process_activity(members_added("ann"), bot.on_turn)
    await adapter.process_activity(members_added("bob"), bot.on_turn)

    cards = [reply for reply in adapter.activity_buffer if reply.attachments]
    assert len(cards) == 2
    for card in cards:
        assert card.serialize()["attachments"][0]["content"] == WRITTEN_CARD
