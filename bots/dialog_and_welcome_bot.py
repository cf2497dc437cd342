"""Greets people who join with a welcome card, then starts the main dialog."""

import json
from functools import cache
from pathlib import Path

from bots.dialog_bot import DialogBot
from helpers.dialog_helper import repeat_question
from sdk import Attachment, ChannelAccount, Channels, MessageFactory, TurnContext

WELCOME_CARD = Path(__file__).resolve().parent.parent / "cards" / "welcomeCard.json"


class DialogAndWelcomeBot(DialogBot):
    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        # Teams also sends an installationUpdate when the bot is added (with a
        # conversationUpdate adding the bot, and in a chat its members): that one greets.
        if turn_context.activity.channel_id == Channels.ms_teams:
            return
        # One greeting per conversation update, however many people it adds; a member
        # without an id is nobody.
        recipient = turn_context.activity.recipient
        bot_id = recipient.id if recipient else None
        if any(member.id and member.id != bot_id for member in members_added):
            await self.welcome(turn_context)

    async def on_installation_update(self, turn_context: TurnContext) -> None:
        # The SDK takes "add-upgrade" (a new version of the app) for "add": no one new is here.
        if turn_context.activity.action == "add":
            await self.welcome(turn_context)

    async def welcome(self, turn_context: TurnContext) -> None:
        """The card, then the dialog's question: its first, or the one still waiting when the
        bot is added again in the middle of a booking."""
        await self.greet(turn_context)
        await repeat_question(self.dialog, turn_context, self.dialog_state)

    async def greet(self, turn_context: TurnContext) -> None:
        """The card, for a channel that announced nobody (Slack, Facebook) or a conversation
        whose state was lost."""
        await turn_context.send_activity(MessageFactory.attachment(welcome_card()))


@cache
def welcome_card() -> Attachment:
    content = json.loads(WELCOME_CARD.read_text(encoding="utf-8"))
    return Attachment(content_type="application/vnd.microsoft.card.adaptive", content=content)
