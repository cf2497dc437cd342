import pytest

from booking_details import BookingDetails
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

    with pytest.raises(KeyError):
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
