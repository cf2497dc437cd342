"""Conversation state: one plain-JSON record a turn, written only when it changed, under the
e-tag it was read with."""

import json
from typing import Any

import pytest

from booking_details import BookingDetails
from sdk import Activity, ChannelAccount, ChannelId, ConversationAccount, TurnContext
from storage.bot_state import ConversationState, UserState
from storage.errors import StateConflict
from storage.memory import MemoryStorage
from tests.conftest import turn_context_of

KEY = "test/conversations/c1"


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[dict[str, Any]] = []

    async def write(self, changes: dict[str, dict[str, Any]]) -> None:
        self.writes.append(json.loads(json.dumps(changes)))
        await super().write(changes)


class Booking:
    """A codec for a property holding a BookingDetails."""

    def encode(self, value: BookingDetails) -> Any:
        return value.to_json()

    def decode(self, data: Any) -> BookingDetails:
        return BookingDetails.from_json(data)


def turn() -> TurnContext:
    activity = Activity(
        type="message",
        channel_id=ChannelId("test"),
        conversation=ConversationAccount(id="c1"),
        from_property=ChannelAccount(id="u1"),
        text="hi",
    )
    return turn_context_of(activity)


async def test_a_changed_state_is_stored_as_plain_json_and_only_then() -> None:
    storage = CountingStorage()
    state = ConversationState(storage)
    booking = state.create_property("booking", Booking())

    context = turn()
    await booking.set(context, BookingDetails(destination="Paris"))
    await state.save_changes(context)
    context = turn()
    await booking.get(context)
    await state.save_changes(context)
    context = turn()
    (await booking.get(context)).origin = "Berlin"
    await state.save_changes(context)

    assert [list(write) for write in storage.writes] == [[KEY], [KEY]]
    assert (await storage.read([KEY]))[KEY] == {
        "version": 1,
        "booking": {
            "destination": "Paris",
            "origin": "Berlin",
            "travelDate": None,
            "unsupportedAirports": [],
        },
        "e_tag": "2",
    }


async def test_a_second_save_in_one_turn_writes_only_what_changed() -> None:
    storage = CountingStorage()
    state = ConversationState(storage)
    booking = state.create_property("booking", Booking())
    context = turn()
    await booking.set(context, BookingDetails(destination="Paris"))
    await state.save_changes(context)
    await state.save_changes(context)
    (await booking.get(context)).origin = "Berlin"
    await state.save_changes(context)

    assert len(storage.writes) == 2
    assert (await booking.get(turn())).origin == "Berlin"


async def test_a_turn_that_only_reads_writes_nothing_whatever_order_it_reads_in() -> None:
    storage = CountingStorage()
    state = ConversationState(storage)
    first, second = state.create_property("first"), state.create_property("second")
    context = turn()
    await first.set(context, [1])
    await second.set(context, {"b": 2})
    await state.save_changes(context)

    context = turn()
    assert await second.get(context) == {"b": 2}
    assert await first.get(context) == [1]
    await state.save_changes(context)

    assert len(storage.writes) == 1


async def test_a_save_over_a_record_written_meanwhile_is_a_conflict() -> None:
    storage = MemoryStorage()
    state = ConversationState(storage)
    count = state.create_property("count")
    await count.set(context := turn(), 1)
    await state.save_changes(context)

    mine, theirs = turn(), turn()
    await count.set(mine, (await count.get(mine)) + 1)
    await count.set(theirs, (await count.get(theirs)) + 10)
    await state.save_changes(theirs)

    with pytest.raises(StateConflict):
        await state.save_changes(mine)
    assert await count.get(turn()) == 11


async def test_an_emptied_state_is_always_written_and_a_deleted_one_is_gone() -> None:
    storage = CountingStorage()
    state = ConversationState(storage)
    await state.create_property("a").set(context := turn(), "x")
    await state.save_changes(context)

    context = turn()
    await state.load(context)
    await state.clear_state(context)
    await state.save_changes(context)
    assert storage.writes[-1] == {KEY: {"e_tag": "1"}}
    assert await state.create_property("a").get(turn()) is None

    context = turn()
    await state.delete(context)
    assert await storage.read([KEY]) == {}


async def test_a_default_is_kept_and_a_plain_default_is_copied() -> None:
    state = ConversationState(MemoryStorage())
    items = state.create_property("items")
    default: list[str] = []

    context = turn()
    (await items.get(context, default)).append("kept")

    assert default == []
    assert await items.get(context) == ["kept"]


async def test_user_state_is_kept_by_user() -> None:
    storage = MemoryStorage()
    state = UserState(storage)
    await state.create_property("name").set(context := turn(), "Ada")
    await state.save_changes(context)

    assert list(await storage.read(["test/users/u1"])) == ["test/users/u1"]


async def test_a_value_that_is_not_json_is_refused() -> None:
    state = ConversationState(MemoryStorage())
    await state.create_property("booking").set(context := turn(), BookingDetails("Paris"))

    with pytest.raises(TypeError):
        await state.save_changes(context)
