"""Turns of a conversation run in order, once each; replies cannot hold up other conversations."""

import asyncio
import copy
import logging
import time
from typing import Any

import pytest

from config import DefaultConfig
from storage.memory import MemoryStorage
from tests.conftest import NEXT_YEAR, EmulatorClient, StartBot


async def at_the_confirm_prompt(emulator: EmulatorClient, tomorrow: str) -> None:
    await emulator.join()
    assert await emulator.say("fly from Berlin to Paris tomorrow") == [
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
    ]


async def post_staggered(
    emulator: EmulatorClient, bodies: list[dict[str, Any]], gap: float = 0.01
) -> list[int]:
    """Send the bodies `gap` seconds apart, without waiting for the answers."""

    async def post(body: dict[str, Any]) -> int:
        async with emulator.session.post(emulator.url, json=body) as response:
            return response.status

    posts = []
    for body in bodies:
        posts.append(asyncio.create_task(post(body)))
        await asyncio.sleep(gap)
    return await asyncio.gather(*posts)


class CopyingStorage(MemoryStorage):
    """Hands out copies, as Blob or Cosmos storage would; MemoryStorage shares its objects."""

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return copy.deepcopy(await super().read(keys))


async def test_two_yes_sent_together_book_once(start_bot: StartBot, tomorrow: str) -> None:
    emulator = await start_bot(storage=CopyingStorage())
    await at_the_confirm_prompt(emulator, tomorrow)

    yes = [emulator.activity(text="yes") for _ in range(2)]
    assert await post_staggered(emulator, yes, gap=0) == [201, 201]

    texts = [reply.get("text") for reply in emulator.connector.received]
    assert texts.count(f"I have you booked to Paris from Berlin on {tomorrow}") == 1


async def test_turns_of_a_conversation_run_in_arrival_order(
    start_bot: StartBot, tomorrow: str
) -> None:
    emulator = await start_bot()
    await emulator.join()
    messages = ["fly to Paris", "Berlin", f"march 3rd {NEXT_YEAR}", "yes"]

    statuses = await post_staggered(emulator, [emulator.activity(text=text) for text in messages])

    assert statuses == [201] * 4
    assert [reply.get("text") for reply in emulator.connector.take()] == [
        "From what city will you be travelling?",
        "On what date would you like to travel?",
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {NEXT_YEAR}-03-03.",
        f"I have you booked to Paris from Berlin on {NEXT_YEAR}-03-03",
        "What else can I do for you?",
    ]


async def test_a_redelivered_activity_is_processed_once(start_bot: StartBot) -> None:
    emulator = await start_bot()
    await emulator.join()
    message = emulator.activity(text="fly to Paris")

    first, again = await post_staggered(emulator, [message, message])
    (later,) = await post_staggered(emulator, [message])

    assert (first, again, later) == (201, 200, 200)
    assert [reply.get("text") for reply in emulator.connector.take()] == [
        "From what city will you be travelling?"
    ]
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]


async def test_the_same_id_in_another_conversation_is_a_new_activity(start_bot: StartBot) -> None:
    emulator = await start_bot()
    other = emulator.in_conversation("conversation-2")
    await emulator.join()
    await other.join()

    assert await emulator.post(emulator.activity(id="same", text="fly to Paris")) != []
    assert await other.post(other.activity(id="same", text="fly to Paris")) != []


async def test_replies_the_channel_does_not_take_lose_no_booking(
    start_bot: StartBot, tomorrow: str, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = await start_bot(DefaultConfig.from_env({"OUTBOUND_TIMEOUT": "0.5"}))
    await emulator.join()
    assert await emulator.say("fly from Berlin to Paris") == [
        "On what date would you like to travel?"
    ]
    emulator.connector.failing = (429, {"Retry-After": "0"})

    assert await emulator.say("tomorrow") == []

    emulator.connector.failing = None
    (warning,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert warning.getMessage().startswith("Replies of conversation 799236a7e9f598ae not delivered")
    # The turn's state was kept: the user, who saw no answer, says it again and gets the
    # confirmation they missed.
    assert await emulator.say("tomorrow") == [
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
    ]
    assert await emulator.say("yes") == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_a_throttled_reply_is_sent_again_after_the_time_the_channel_asks_for(
    start_bot: StartBot,
) -> None:
    emulator = await start_bot(DefaultConfig.from_env({"OUTBOUND_TIMEOUT": "3"}))
    await emulator.join()
    emulator.connector.failing = (429, {"Retry-After": "1"})
    asyncio.get_running_loop().call_later(0.5, setattr, emulator.connector, "failing", None)
    started = time.monotonic()

    assert await emulator.say("fly from Berlin to Paris") == [
        "On what date would you like to travel?"
    ]
    assert 1 <= time.monotonic() - started < 2.5


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_a_reply_the_channel_may_have_taken_is_sent_twice_at_most(
    start_bot: StartBot, status: int
) -> None:
    emulator = await start_bot(DefaultConfig.from_env({"OUTBOUND_TIMEOUT": "3"}))
    await emulator.join()
    emulator.connector.attempts.clear()
    emulator.connector.failing = (status, {})

    assert await emulator.say("fly from Berlin to Paris") == []

    assert emulator.connector.attempts == ["On what date would you like to travel?"] * 2


@pytest.mark.parametrize("status", [408, 429, 503])
async def test_a_reply_the_channel_did_not_take_is_sent_again_until_it_does(
    start_bot: StartBot, status: int
) -> None:
    emulator = await start_bot(DefaultConfig.from_env({"OUTBOUND_TIMEOUT": "3"}))
    await emulator.join()
    emulator.connector.next_failures = [status] * 3

    assert await emulator.say("fly from Berlin to Paris") == [
        "On what date would you like to travel?"
    ]


async def test_one_reply_that_fails_does_not_drop_the_others(
    start_bot: StartBot, tomorrow: str
) -> None:
    emulator = await start_bot(DefaultConfig.from_env({"OUTBOUND_TIMEOUT": "3"}))
    await emulator.join()
    await emulator.say(f"fly from Berlin to Paris on {tomorrow}")
    emulator.connector.next_failures = [502, 502]  # the first reply, and its one retry

    assert await emulator.say("yes") == ["What else can I do for you?"]
    assert await emulator.say("fly to Seattle from London") == [
        "On what date would you like to travel?"
    ]
