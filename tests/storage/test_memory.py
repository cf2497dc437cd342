import pytest

from storage.memory import MemoryStorage


async def test_a_read_hands_out_a_copy_that_the_store_does_not_share() -> None:
    storage = MemoryStorage()
    await storage.write({"a": {"booking": {"destination": "Paris", "unsupportedAirports": []}}})

    first = await storage.read(["a", "missing"])
    first["a"]["booking"]["destination"] = "Berlin"
    first["a"]["booking"]["unsupportedAirports"].append("Rome")
    second = await storage.read(["a"])

    assert list(first) == ["a"]
    assert second["a"]["booking"] == {"destination": "Paris", "unsupportedAirports": []}


async def test_a_write_stores_a_copy_of_what_was_written() -> None:
    storage = MemoryStorage()
    item = {"count": 1}
    await storage.write({"a": item})
    item["count"] = 2

    assert (await storage.read(["a"]))["a"]["count"] == 1


async def test_an_empty_e_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="etag"):
        await MemoryStorage().write({"a": {"e_tag": ""}})


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
