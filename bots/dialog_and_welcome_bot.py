"""Greets people who join with a welcome card, then starts the main dialog."""

import json
from functools import cache
from pathlib import Path

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Attachment, ChannelAccount

from bots.dialog_bot import DialogBot
from helpers.dialog_helper import run_dialog

WELCOME_CARD = Path(__file__).resolve().parent.parent / "cards" / "welcomeCard.json"


class DialogAndWelcomeBot(DialogBot):
    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        # One greeting per conversation update, however many people it adds.
        recipient = turn_context.activity.recipient
        bot_id = recipient.id if recipient else None
        if any(member.id != bot_id for member in members_added):
            await turn_context.send_activity(MessageFactory.attachment(welcome_card()))
            await run_dialog(self.dialog, turn_context, self.dialog_state)


@cache
def welcome_card() -> Attachment:
    content = json.loads(WELCOME_CARD.read_text(encoding="utf-8"))
    return Attachment(content_type="application/vnd.microsoft.card.adaptive", content=content)
