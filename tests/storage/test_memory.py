import pytest

from booking_details import BookingDetails
from storage.errors import StateConflict
from storage.memory import MemoryStorage


async def test_a_read_hands_out_a_copy_that_the_store_does_not_share() -> None:
    storage = MemoryStorage()
    await storage.write({"a": {"booking": BookingDetails(destination="Paris")}})

    first = await storage.read(["a", "missing"])
    first["a"]["booking"].destination = "Berlin"
    second = await storage.read(["a"])

    assert list(first) == ["a"]
    assert second["a"]["booking"].destination == "Paris"


async def test_a_write_stores_a_copy_of_what_was_written() -> None:
    storage = MemoryStorage()
    item = {"count": 1}
    await storage.write({"a": item})
    item["count"] = 2

    assert (await storage.read(["a"]))["a"]["count"] == 1


async def test_every_write_makes_a_new_e_tag_and_an_old_one_is_refused() -> None:
    storage = MemoryStorage()
    await storage.write({"a": {"count": 1}})
    read_by_one = (await storage.read(["a"]))["a"]
    read_by_other = (await storage.read(["a"]))["a"]

    read_by_one["count"] = 2
    await storage.write({"a": read_by_one})
    read_by_other["count"] = 3

    with pytest.raises(StateConflict, match="a has changed since it was read"):
        await storage.write({"a": read_by_other})
    assert (await storage.read(["a"]))["a"]["count"] == 2


async def test_the_writer_may_save_again_and_a_star_overwrites_anything() -> None:
    storage = MemoryStorage()
    await storage.write({"a": {"count": 1}})
    item = (await storage.read(["a"]))["a"]
    item["count"] = 2
    await storage.write({"a": item})
    item["count"] = 3
    await storage.write({"a": item})
    await storage.write({"a": {"count": 4, "e_tag": "*"}})

    assert (await storage.read(["a"]))["a"]["count"] == 4


async def test_an_empty_e_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="etag"):
        await MemoryStorage().write({"a": {"e_tag": ""}})


async def test_deleted_items_are_gone_and_deleting_a_missing_one_is_fine() -> None:
    storage = MemoryStorage()
    await storage.write({"a": {"count": 1}, "b": {"count": 2}})

    await storage.delete(["a", "never-written"])

    assert list(await storage.read(["a", "b"])) == ["b"]


async def test_an_item_read_as_missing_is_not_written_over_one_created_meanwhile() -> None:
    storage = MemoryStorage()
    assert await storage.read(["a"]) == {}
    await storage.write({"a": {"count": 1}})

    with pytest.raises(StateConflict):
        await storage.write({"a": {"count": 2}})
    assert (await storage.read(["a"]))["a"]["count"] == 1


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_items_idle_for_longer_than_the_timeout_are_dropped() -> None:
    clock = Clock()
    storage = MemoryStorage(idle_timeout=60, clock=clock)
    await storage.write({"idle": {"n": 1}, "busy": {"n": 2}})

    clock.now += 40
    assert list(await storage.read(["busy"])) == ["busy"]
    clock.now += 40
    await storage.write({"other": {"n": 3}})

    assert list(await storage.read(["idle", "busy", "other"])) == ["busy", "other"]
    with pytest.raises(KeyError):
        storage.stored_bytes("idle")


async def test_by_default_items_are_kept_for_a_day() -> None:
    clock = Clock()
    storage = MemoryStorage(clock=clock)
    await storage.write({"a": {"n": 1}})

    clock.now += 24 * 3600 - 1
    assert list(await storage.read(["a"])) == ["a"]
    clock.now += 24 * 3600 + 1
    assert await storage.read(["a"]) == {}
