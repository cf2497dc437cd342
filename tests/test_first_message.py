"""The first message a bot sees is acted on, on every channel and however the state was lost:
over HTTP, as each channel sends it."""

from typing import Any

import pytest

from storage.memory import MemoryStorage
from tests.conftest import EmulatorClient, StartBot, shown

REQUEST = "book a flight from paris to berlin tomorrow"
ASK = "What can I help you with today?"
CARD = "application/vnd.microsoft.card.adaptive"

# Channels whose first activity is the user's message: no conversationUpdate greets anyone.
CHANNELS = ["slack", "facebook", "msteams", "directline", "webchat", "emulator", "telegram"]


def texts(replies: list[dict[str, Any]]) -> list[str | None]:
    return [shown(reply) for reply in replies]


async def say(user: EmulatorClient, text: str) -> list[str | None]:
    return texts(await user.post(user.activity(text=text)))


def on_channel(emulator: EmulatorClient, channel_id: str) -> EmulatorClient:
    client = emulator.in_conversation(f"{channel_id}-conversation")
    client.channel_id = channel_id
    return client


@pytest.mark.parametrize("channel_id", CHANNELS)
async def test_a_request_sent_first_is_acted_on(
    start_bot: StartBot, channel_id: str, tomorrow: str
) -> None:
    user = on_channel(await start_bot(), channel_id)

    assert await say(user, REQUEST) == [
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}."
    ]
    assert await say(user, "yes") == [
        f"I have you booked to Berlin from Paris on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_in_a_teams_group_chat_a_mention_sent_first_is_acted_on(
    start_bot: StartBot, tomorrow: str
) -> None:
    user = on_channel(await start_bot(), "msteams")
    mention = {
        "type": "mention",
        "mentioned": {"id": "bot-1", "name": "Core Bot"},
        "text": "<at>Core Bot</at>",
    }
    replies = await user.post(
        user.activity(
            text=f"<at>Core Bot</at> {REQUEST}",
            entities=[mention],
            conversation={"id": "group-1", "isGroup": True, "conversationType": "groupChat"},
        )
    )
    assert texts(replies) == [
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}."
    ]


async def test_a_request_that_leaves_questions_goes_on_to_the_first(start_bot: StartBot) -> None:
    user = on_channel(await start_bot(), "slack")

    assert await say(user, "I want to fly to Paris") == ["From what city will you be travelling?"]


async def test_a_greeting_sent_first_gets_the_card_and_the_question(start_bot: StartBot) -> None:
    user = on_channel(await start_bot(), "facebook")

    card, question = await user.post(user.activity(text="Hi there!"))
    assert card["attachments"][0]["contentType"] == CARD
    assert question["text"] == ASK
    assert await say(user, "to Paris from Berlin") == ["On what date would you like to travel?"]


@pytest.mark.parametrize(
    ("first", "replies"),
    [
        (
            "help",
            [
                "I can book flights between Paris, London, Berlin, New York and Seattle. "
                "At any of my questions you can say help, cancel or start over.",
                ASK,
            ],
        ),
        (
            "what's the weather in Paris?",
            ["TODO: get weather flow here", "What else can I do for you?"],
        ),
        (
            "asdf qwerty",
            [
                "Sorry, I didn't get that. Please try asking in a different way",
                "What else can I do for you?",
            ],
        ),
    ],
)
async def test_other_first_messages_are_answered_as_at_the_first_question(
    start_bot: StartBot, first: str, replies: list[str]
) -> None:
    user = on_channel(await start_bot(), "slack")

    assert await say(user, first) == replies


async def test_after_a_restart_with_memory_storage_the_message_is_read_afresh(
    start_bot: StartBot, tomorrow: str
) -> None:
    user = await start_bot(storage=MemoryStorage())
    await user.join()
    assert await say(user, "fly to london") == ["From what city will you be travelling?"]

    restarted = await start_bot(storage=MemoryStorage())
    user.url = restarted.url
    assert await say(user, f"{REQUEST}") == [
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}."
    ]


async def test_after_delete_user_data_the_message_is_read_afresh(
    start_bot: StartBot, tomorrow: str
) -> None:
    user = await start_bot()
    await user.join()
    assert await say(user, "fly to london") == ["From what city will you be travelling?"]
    await user.post(user.activity(type="deleteUserData"))

    assert await say(user, REQUEST) == [
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}."
    ]


@pytest.mark.parametrize(
    ("locale", "replies"),
    [
        ("en-US", ["Please confirm, I have you traveling to: Berlin from: Paris on: 2036-03-06."]),
        ("en-GB", ["Please confirm, I have you traveling to: Berlin from: Paris on: 2036-06-03."]),
        (None, ["Do you mean March 6, 2036 or June 3, 2036?"]),
    ],
)
async def test_a_date_in_numbers_sent_first_is_read_as_the_locale_writes_dates(
    start_bot: StartBot, locale: str | None, replies: list[str]
) -> None:
    user = on_channel(await start_bot(), "slack")
    activity = user.activity(text="fly from paris to berlin on 3/6/2036")
    if locale is None:
        del activity["locale"]
    else:
        activity["locale"] = locale

    assert texts(await user.post(activity)) == replies


async def test_with_no_locale_the_which_day_question_has_a_button_for_each_day(
    start_bot: StartBot,
) -> None:
    user = on_channel(await start_bot(), "webchat")
    activity = user.activity(text="fly from paris to berlin on 3/6/2036")
    del activity["locale"]

    (question,) = await user.post(activity)
    assert [action["value"] for action in question["suggestedActions"]["actions"]] == [
        "March 6, 2036",
        "June 3, 2036",
    ]
    answer = user.activity(text="June 3, 2036")
    del answer["locale"]
    assert texts(await user.post(answer)) == [
        "Please confirm, I have you traveling to: Berlin from: Paris on: 2036-06-03."
    ]
