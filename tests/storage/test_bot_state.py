from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from booking_details import BookingDetails
from storage.bot_state import ConversationState, fingerprint
from storage.memory import MemoryStorage


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write_pickled(self, key: str, item: object, data: bytes) -> None:
        self.writes += 1
        super().write_pickled(key, item, data)


def turn() -> TurnContext:
    activity = Activity(
        type="message",
        channel_id="test",
        conversation=ConversationAccount(id="c1"),
        from_property=ChannelAccount(id="u1"),
        text="hi",
    )
    return TurnContext(TestAdapter(), activity)


async def test_state_is_saved_when_it_changed_and_only_then() -> None:
    storage = CountingStorage()
    state = ConversationState(storage)
    booking = state.create_property("booking")

    context = turn()
    await booking.set(context, BookingDetails(destination="Paris"))
    await state.save_changes(context)
    assert storage.writes == 1

    context = turn()
    await booking.get(context)
    await state.save_changes(context)
    assert storage.writes == 1

    context = turn()
    (await booking.get(context)).origin = "Berlin"
    await state.save_changes(context)
    assert storage.writes == 2
    assert (await booking.get(turn())).origin == "Berlin"


async def test_cleared_state_is_always_saved() -> None:
    storage = CountingStorage()
    state = ConversationState(storage)
    context = turn()

    await state.clear_state(context)
    await state.save_changes(context)

    assert storage.writes == 1


def test_the_fingerprint_tells_states_apart_and_handles_what_pickle_cannot() -> None:
    assert fingerprint({"a": BookingDetails("Paris")}) == fingerprint(
        {"a": BookingDetails("Paris")}
    )
    assert fingerprint({"a": BookingDetails("Paris")}) != fingerprint({"a": BookingDetails("Rome")})
    unpicklable = {"f": lambda: None}
    assert fingerprint(unpicklable) == fingerprint(unpicklable)


async def test_the_stored_pickle_is_the_fingerprint_and_the_e_tag_is_left_out() -> None:
    storage = MemoryStorage()
    state = ConversationState(storage)
    booking = state.create_property("booking")
    context = turn()
    await booking.set(context, BookingDetails(destination="Paris"))
    await state.save_changes(context)

    ((item, data),) = storage.read_pickled([state.get_storage_key(context)]).values()

    assert data == fingerprint(item)
    assert item["e_tag"] == "1"
    assert fingerprint({**item, "e_tag": "2"}) == data


async def test_a_second_save_in_one_turn_writes_only_what_changed() -> None:
    storage = CountingStorage()
    state = ConversationState(storage)
    booking = state.create_property("booking")
    context = turn()
    await booking.set(context, BookingDetails(destination="Paris"))
    await state.save_changes(context)
    await state.save_changes(context)
    assert storage.writes == 1

    (await booking.get(context)).origin = "Berlin"
    await state.save_changes(context)
    assert storage.writes == 2
    assert (await booking.get(turn())).origin == "Berlin"
