"""An unhandled error: the user is told, and the conversation starts afresh."""

import pytest

from adapter_with_error_handler import AdapterWithErrorHandler
from channel.connector import BotConnector, DeliveryFailed
from config import DefaultConfig
from sdk import ActivityTypes, TurnContext, authentication
from sdk.testing import TestAdapter
from storage.bot_state import ConversationState
from storage.memory import MemoryStorage

ERROR_REPLIES = [
    "The bot encountered an error or bug.",
    "To continue to run this bot, please fix the bot source code.",
]


def error_handler(conversation_state: ConversationState, *, show_error_details: bool = True):
    adapter = AdapterWithErrorHandler(
        authentication(DefaultConfig.from_env({})),
        conversation_state,
        connector=BotConnector(),
        show_error_details=show_error_details,
    )
    return adapter.on_turn_error


def bot_failing_on(text: str, error: Exception) -> tuple[TestAdapter, MemoryStorage]:
    """A bot that keeps each message as progress and raises `error` on `text`."""
    storage = MemoryStorage()
    conversation_state = ConversationState(storage)
    progress = conversation_state.create_property("progress")

    async def turn(turn_context: TurnContext) -> None:
        if turn_context.activity.text == text:
            raise error
        await progress.set(turn_context, turn_context.activity.text)
        await conversation_state.save_changes(turn_context)

    adapter = TestAdapter(turn)
    adapter.on_turn_error = error_handler(conversation_state)
    return adapter, storage


async def test_the_user_is_told_and_the_state_is_deleted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    adapter, storage = bot_failing_on("boom", RuntimeError("something broke"))
    await adapter.send("step one")
    assert storage.stored_keys() != []

    replies = await adapter.send("boom")

    assert [reply.text for reply in replies] == ERROR_REPLIES
    assert storage.stored_keys() == []
    (record,) = [r for r in caplog.records if r.name == "adapter_with_error_handler"]
    assert record.exc_info is not None
    assert "RuntimeError: something broke" in caplog.text


async def test_the_emulator_also_gets_a_trace() -> None:
    conversation_state = ConversationState(MemoryStorage())

    async def turn(turn_context: TurnContext) -> None:
        await conversation_state.load(turn_context)
        raise RuntimeError("something broke")

    adapter = TestAdapter(turn, channel_id="emulator", send_trace_activities=True)
    adapter.on_turn_error = error_handler(conversation_state)

    replies = await adapter.send("hi")

    *messages, trace = replies
    assert [message.text for message in messages] == ERROR_REPLIES
    assert trace.type == ActivityTypes.trace
    assert (trace.name, trace.label) == ("on_turn_error Trace", "TurnError")
    assert trace.value_type == "https://www.botframework.com/schemas/error"
    assert trace.value == "something broke"


async def test_other_channels_get_no_trace() -> None:
    conversation_state = ConversationState(MemoryStorage())

    async def turn(turn_context: TurnContext) -> None:
        raise RuntimeError("something broke")

    adapter = TestAdapter(turn, send_trace_activities=True)
    adapter.on_turn_error = error_handler(conversation_state)

    replies = await adapter.send("hi")

    assert [reply.type for reply in replies] == ["message", "message"]


async def test_a_deployed_bot_sends_no_error_details_even_to_the_emulator() -> None:
    conversation_state = ConversationState(MemoryStorage())

    async def turn(turn_context: TurnContext) -> None:
        raise RuntimeError("something broke")

    adapter = TestAdapter(turn, channel_id="emulator", send_trace_activities=True)
    adapter.on_turn_error = error_handler(conversation_state, show_error_details=False)

    replies = await adapter.send("hi")

    assert [reply.text for reply in replies] == ERROR_REPLIES


async def test_an_unreachable_channel_is_logged_in_one_line_and_the_state_deleted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unreachable = DeliveryFailed("reply_to_activity", "127.0.0.1:9", "timed out")
    adapter, storage = bot_failing_on("unreachable", unreachable)
    await adapter.send("step one")
    assert storage.stored_keys() != []

    replies = await adapter.send("unreachable")

    assert replies == []
    assert storage.stored_keys() == []
    (record,) = [r for r in caplog.records if r.name == "adapter_with_error_handler"]
    assert record.exc_info is None
    assert record.getMessage() == (
        "A turn ended early: reply_to_activity to 127.0.0.1:9 failed: timed out"
    )
