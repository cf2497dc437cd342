"""What every store promises the bot, checked the same way on memory, Blob (Azurite) and
Cosmos DB (@vercel/cosmosdb-server): e-tags, conflicts, overwrites, deletes."""

import uuid
from collections.abc import AsyncIterator

import pytest

from storage import Storage
from storage.blob import AzureBlobStorage
from storage.cosmos import AzureCosmosStorage
from storage.errors import StateConflict
from storage.memory import MemoryStorage
from tests.conftest import COSMOS_KEY, blob_connection_string


@pytest.fixture(params=["memory", "blob", "cosmos"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[Storage]:
    if request.param == "memory":
        yield MemoryStorage()
        return
    storage: AzureBlobStorage | AzureCosmosStorage
    if request.param == "blob":
        azurite = request.getfixturevalue("azurite")
        storage = AzureBlobStorage(blob_connection_string(azurite), f"test-{uuid.uuid4().hex[:16]}")
    else:
        endpoint, certificate = request.getfixturevalue("cosmos_db")
        storage = AzureCosmosStorage(
            endpoint, COSMOS_KEY, "bot-db", f"c-{uuid.uuid4().hex}", ca_file=certificate
        )
    await storage.open()
    yield storage
    await storage.close()


async def test_a_write_with_a_stale_e_tag_is_a_conflict(store: Storage) -> None:
    await store.write({"a": {"n": 1}})
    mine = (await store.read(["a"]))["a"]
    theirs = (await store.read(["a"]))["a"]
    theirs["n"] = 2
    await store.write({"a": theirs})

    mine["n"] = 3
    with pytest.raises(StateConflict, match="a has changed since it was read"):
        await store.write({"a": mine})
    assert (await store.read(["a"]))["a"]["n"] == 2


async def test_creating_an_item_that_appeared_meanwhile_is_a_conflict(store: Storage) -> None:
    await store.write({"a": {"n": 1}})

    with pytest.raises(StateConflict):
        await store.write({"a": {"n": 2}})
    assert (await store.read(["a"]))["a"]["n"] == 1


async def test_the_writer_may_save_again_and_a_star_overwrites(store: Storage) -> None:
    item = {"n": 1}
    await store.write({"a": item})
    item["n"] = 2
    await store.write({"a": item})
    await store.write({"a": {"n": 3, "e_tag": "*"}})

    assert (await store.read(["a"]))["a"]["n"] == 3


async def test_deleted_items_are_gone_and_deleting_a_missing_one_is_fine(
    store: Storage, request: pytest.FixtureRequest
) -> None:
    await store.write({"a": {"n": 1}, "b": {"n": 2}})

    await store.delete(["a", "never-written"])

    assert list(await store.read(["b"])) == ["b"]
    # The Cosmos DB stand-in answers a read of a missing document with HTTP 500, not 404.
    if "cosmos" not in request.node.name:
        assert await store.read(["a"]) == {}
