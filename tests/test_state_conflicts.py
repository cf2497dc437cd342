"""Two turns that save the same conversation: the loser runs again, or the user is asked to
repeat; no booking is lost or made twice, and the race is logged."""

import logging
from typing import Any

import pytest

from storage.memory import MemoryStorage
from tests.conftest import StartBot

CONVERSATION = "emulator/conversations/conversation-1"


class RacingStorage(MemoryStorage):
    """Memory storage where, just before the next `races` saves of the conversation, another
    writer (another instance of the bot) saves it first."""

    def __init__(self) -> None:
        super().__init__()
        self.races = 0

    async def write(self, changes: dict[str, dict[str, Any]]) -> None:
        if self.races and CONVERSATION in changes:
            self.races -= 1
            theirs = (await self.read([CONVERSATION]))[CONVERSATION]
            await super().write({CONVERSATION: theirs})
        await super().write(changes)


async def test_a_turn_that_lost_the_race_runs_again_on_fresh_state(
    start_bot: StartBot, tomorrow: str, caplog: pytest.LogCaptureFixture
) -> None:
    storage = RacingStorage()
    emulator = await start_bot(storage=storage)
    await emulator.join()
    await emulator.say("book a flight from berlin to paris tomorrow")
    storage.races = 1

    assert await emulator.say("yes") == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]
    (record,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert record.getMessage() == (
        "Turn of conversation 799236a7e9f598ae not saved (attempt 1 of 3): "
        "emulator/conversations/conversation-1 has changed since it was read"
    )


async def test_after_three_lost_races_the_user_is_asked_to_repeat_and_loses_nothing(
    start_bot: StartBot, tomorrow: str, caplog: pytest.LogCaptureFixture
) -> None:
    storage = RacingStorage()
    emulator = await start_bot(storage=storage)
    await emulator.join()
    await emulator.say("book a flight from berlin to paris tomorrow")
    storage.races = 3

    assert await emulator.say("yes") == [
        "Sorry, I lost track of that message. Please send it again."
    ]
    assert [record.getMessage() for record in caplog.records][-1] == (
        "Gave up the turn of conversation 799236a7e9f598ae; the user is asked to send it again"
    )
    assert await emulator.say("yes") == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_with_expect_replies_only_the_saved_run_answers(
    start_bot: StartBot, tomorrow: str
) -> None:
    storage = RacingStorage()
    emulator = await start_bot(storage=storage)
    await emulator.join()
    await emulator.say("book a flight from berlin to paris tomorrow")
    storage.races = 2

    body = emulator.activity(text="yes", deliveryMode="expectReplies")
    async with emulator.session.post(emulator.url, json=body) as response:
        replies = (await response.json())["activities"]

    assert [reply["text"] for reply in replies] == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]
