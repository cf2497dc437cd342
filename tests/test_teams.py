"""The bot in Microsoft Teams: activities in the shapes Teams sends, over real HTTP."""

from typing import Any

import pytest

import sdk
from sdk import ActivityTypes
from tests.conftest import EmulatorClient, StartBot

TENANT = "9b2e6f1c-4d7a-4c1e-8f3b-2a5d6c7e8f90"
BOT = {"id": "28:6b3c0a52-3f5e-4a36-9d8e-1c2b3a4d5e6f", "name": "Core Bot"}
USER = {
    "id": "29:1Gk9fY2yQh7sVvXzWd0nE3pL8tRb5oJc4uAi6mKe",
    "name": "Megan Bowen",
    "aadObjectId": "3f6a9d1e-2b4c-4e8f-9a7d-5c1b0e2f3a4d",
}
PERSONAL_CHAT = "a:1xQ3tV9bN2mL7kJ5hG4fD8sA6pO0iU1yT3rE5wQ7zX9cV2bN4mL6kJ8hG0fD"
CHANNEL_THREAD = "19:c2f4a9e1b7d34c6a8e0f1b2d3c4e5f6a@thread.tacv2;messageid=1732780800000"


class TeamsUser:
    """Talks to /api/messages as Teams does for one user in their personal chat with the bot."""

    def __init__(self, emulator: EmulatorClient, conversation: dict[str, Any]) -> None:
        self.emulator = emulator
        self.conversation = conversation

    def activity(self, **fields: Any) -> dict[str, Any]:
        return self.emulator.activity(
            **{
                "channelId": "msteams",
                "conversation": self.conversation,
                "from": USER,
                "recipient": BOT,
                "channelData": {"tenant": {"id": TENANT}},
                "entities": [{"type": "clientInfo", "locale": "en-US", "platform": "Web"}],
                **fields,
            }
        )

    async def post(self, **fields: Any) -> list[dict[str, Any]]:
        return await self.emulator.post(self.activity(**fields))

    async def type(self, text: str) -> list[dict[str, Any]]:
        """A message typed in Teams: the text, and the same as HTML in an attachment."""
        return await self.post(
            text=text,
            textFormat="plain",
            attachments=[{"contentType": "text/html", "content": f"<p>{text}</p>"}],
        )

    async def say(self, text: str) -> list[str | None]:
        return [reply.get("text") for reply in await self.type(text)]

    async def install(self, action: str = "add") -> list[dict[str, Any]]:
        return await self.post(type=ActivityTypes.installation_update, action=action)

    async def bot_added(self, *members: dict[str, Any]) -> list[dict[str, Any]]:
        return await self.post(
            type=ActivityTypes.conversation_update, membersAdded=list(members) or [BOT]
        )


@pytest.fixture
async def teams(start_bot: StartBot) -> TeamsUser:
    personal = {"conversationType": "personal", "tenantId": TENANT, "id": PERSONAL_CHAT}
    return TeamsUser(await start_bot(), personal)


def is_welcome_card(reply: dict[str, Any]) -> bool:
    return [attachment["contentType"] for attachment in reply.get("attachments", [])] == [
        "application/vnd.microsoft.card.adaptive"
    ]


@pytest.mark.parametrize("installation_first", [True, False], ids=["install-first", "bot-first"])
async def test_adding_the_bot_in_a_personal_chat_welcomes_once(
    teams: TeamsUser, installation_first: bool
) -> None:
    """Teams tells of the new app twice: an installationUpdate, and a conversationUpdate
    adding the bot."""
    if installation_first:
        replies = await teams.install() + await teams.bot_added()
    else:
        replies = await teams.bot_added() + await teams.install()

    card, question = replies
    assert is_welcome_card(card)
    assert question["text"] == "What can I help you with today?"
    assert await teams.say("book a flight to Paris") == ["From what city will you be travelling?"]


async def test_a_conversation_update_naming_the_user_too_adds_no_second_welcome(
    teams: TeamsUser,
) -> None:
    replies = await teams.install() + await teams.bot_added(BOT, USER)

    assert [is_welcome_card(reply) for reply in replies] == [True, False]


@pytest.mark.parametrize("action", ["add-upgrade", "remove", "remove-upgrade"])
async def test_an_update_or_removal_of_the_app_says_nothing(teams: TeamsUser, action: str) -> None:
    await teams.install()
    await teams.say("book a flight to Paris")

    assert await teams.install(action) == []
    assert await teams.say("Berlin") == ["On what date would you like to travel?"]


async def test_the_app_added_again_mid_booking_welcomes_and_asks_the_waiting_question(
    teams: TeamsUser,
) -> None:
    await teams.install()
    await teams.say("book a flight to Paris")
    await teams.install("remove")

    card, question = await teams.install()

    assert is_welcome_card(card)
    assert question["text"] == "From what city will you be travelling?"
    assert await teams.say("Berlin") == ["On what date would you like to travel?"]


async def test_a_booking_in_a_personal_chat(teams: TeamsUser, tomorrow: str) -> None:
    await teams.install()

    assert await teams.say("book a flight from Paris to Berlin") == [
        "On what date would you like to travel?"
    ]
    (confirm,) = await teams.type("tomorrow")

    # Teams shows no suggested actions: the SDK's prompt puts the question and its choices
    # on a hero card.
    (card,) = confirm["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    assert card["content"]["text"] == (
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}."
    )
    buttons = card["content"]["buttons"]
    assert [(button["type"], button["title"]) for button in buttons] == [
        ("imBack", "Yes"),
        ("imBack", "No"),
    ]
    # An imBack button posts its value as the user's message, as if typed.
    assert await teams.say(buttons[0]["value"]) == [
        f"I have you booked to Berlin from Paris on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_a_card_button_is_the_same_as_typing_its_value(teams: TeamsUser) -> None:
    await teams.install()
    await teams.say("book a flight from Paris to Berlin tomorrow")
    (confirm,) = await teams.type("tomorrow")
    no_button = confirm["attachments"][0]["content"]["buttons"][1]

    assert await teams.say(no_button["value"]) == ["What else can I do for you?"]


async def test_replies_go_to_the_user_in_the_same_chat(teams: TeamsUser) -> None:
    await teams.install()

    (reply,) = await teams.post(id="1732780800123", text="book a flight to Paris")

    assert reply["_raw_path"] == (
        "/v3/conversations/a%3A1xQ3tV9bN2mL7kJ5hG4fD8sA6pO0iU1yT3rE5wQ7zX9cV2bN4mL6kJ8hG0fD"
        "/activities/1732780800123"
    )
    assert reply["channelId"] == "msteams"
    assert reply["conversation"]["id"] == PERSONAL_CHAT
    assert reply["conversation"]["conversationType"] == "personal"
    # botbuilder-python's schema names the field tenantID, so it never reads Teams' tenantId
    # nor writes it back; the Agents SDK does, as the C# and JavaScript SDKs do.
    assert reply["conversation"].get("tenantId") == (TENANT if sdk.AGENTS else None)
    assert reply["from"] == {"id": BOT["id"], "name": "Core Bot"}
    assert reply["recipient"]["id"] == USER["id"]
    assert reply["text"] == "From what city will you be travelling?"


async def test_replies_in_a_channel_thread_go_to_that_thread(start_bot: StartBot) -> None:
    """In a team's channel the conversation id names the thread: `;messageid=` and the id of
    its first post. Replies keep it, percent-encoded as the SDKs send it."""
    thread = {"conversationType": "channel", "tenantId": TENANT, "id": CHANNEL_THREAD}
    teams = TeamsUser(await start_bot(), thread)

    (reply,) = await teams.post(id="1732780800456", text="fly to Seattle")

    assert reply["_raw_path"] == (
        "/v3/conversations/19%3Ac2f4a9e1b7d34c6a8e0f1b2d3c4e5f6a%40thread.tacv2"
        "%3Bmessageid%3D1732780800000/activities/1732780800456"
    )
    assert reply["conversation"]["id"] == CHANNEL_THREAD
    assert reply["text"] == "From what city will you be travelling?"
    assert await teams.say("Paris") == ["On what date would you like to travel?"]


async def test_a_message_mentioning_the_bot_is_read_without_the_mention(
    teams: TeamsUser,
) -> None:
    await teams.install()

    replies = await teams.post(
        text="<at>Core Bot</at> help",
        entities=[{"type": "mention", "text": "<at>Core Bot</at>", "mentioned": BOT}],
    )

    assert [reply["text"] for reply in replies] == [
        "I can book flights between Paris, London, Berlin, New York and Seattle. "
        "At any of my questions you can say help, cancel or start over.",
        "What can I help you with today?",
    ]


@pytest.mark.parametrize(
    "entity",
    [
        {"type": "mention"},
        {"type": "mention", "text": "<at>Core Bot</at>", "mentioned": "Core Bot"},
        {"type": "mention", "text": "<at>Megan</at>", "mentioned": {"id": USER["id"]}},
        {"type": "mention", "text": "", "mentioned": BOT},
    ],
    ids=["bare", "mentioned-not-an-account", "someone-else", "no-text"],
)
async def test_mentions_of_others_or_malformed_change_nothing(
    teams: TeamsUser, entity: dict[str, Any]
) -> None:
    await teams.install()

    replies = await teams.post(text="book a flight to Paris", entities=[entity])

    assert [reply["text"] for reply in replies] == ["From what city will you be travelling?"]
