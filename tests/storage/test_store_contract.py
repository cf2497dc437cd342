"""What every store promises the bot, checked the same way on memory, Blob (Azurite) and
Cosmos DB (@vercel/cosmosdb-server): plain JSON kept as it was, e-tags, conflicts,
overwrites, deletes."""

import math
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from booking_details import BookingDetails
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


RECORD = {
    "version": 1,
    "DialogState": {
        "dialogStack": [
            {
                "id": "BookingDialog",
                "state": {
                    "dialogs": {
                        "dialogStack": [
                            {
                                "id": "CityPrompt",
                                "state": {
                                    "options": {
                                        "prompt": {
                                            "type": "message",
                                            "text": "From what city will you be travelling?",
                                            "inputHint": "expectingInput",
                                        },
                                        "validations": {"role": "From", "other": "Zürich"},
                                        "numberOfAttempts": 0,
                                    },
                                    "state": {},
                                },
                            }
                        ]
                    }
                },
            }
        ]
    },
    "RecentActivities": ["1f0c9a4e7d2b3c58"],
    "said": 'Ich möchte nach Zürich → 東京 ✈️ "bald"\n\tbitte \\ 😀',
    "numbers": [0, -1, 2.5, 1e300, True, False, None],
    "deep": [[[[{"a": {"b": {"c": [{}]}}}]]]],
}


async def test_a_stored_record_comes_back_as_it_was(store: Storage) -> None:
    written = {key: value for key, value in RECORD.items()}
    await store.write({"emulator/conversations/c 1": written})

    read = (await store.read(["emulator/conversations/c 1"]))["emulator/conversations/c 1"]

    assert read == {**RECORD, "e_tag": written["e_tag"]}
    assert read["said"] == 'Ich möchte nach Zürich → 東京 ✈️ "bald"\n\tbitte \\ 😀'


@pytest.mark.parametrize(
    "value",
    [BookingDetails(destination="Paris"), {"a", "b"}, b"Paris", math.nan, math.inf],
    ids=["object", "set", "bytes", "nan", "infinity"],
)
async def test_anything_but_plain_json_is_refused(store: Storage, value: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        await store.write({"a": {"booking": value}})


async def test_keys_with_any_characters_are_kept_apart(store: Storage) -> None:
    keys = [
        "emulator/conversations/c?1#2*3",
        "emulator/conversations/c_1_2_3",
        "msteams/conversations/19:meeting_Zm9v@thread.v2;messageid=1700000000000",
        "webchat/conversations/Zürich",
    ]
    await store.write({key: {"n": n} for n, key in enumerate(keys)})

    read = await store.read(keys)

    assert {key: item["n"] for key, item in read.items()} == {key: n for n, key in enumerate(keys)}
