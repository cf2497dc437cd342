"""Blob storage against Azurite: what a turn reads and writes, e-tags, and the check at start."""

import uuid
from collections.abc import AsyncIterator

import pytest

from booking_details import BookingDetails
from storage.blob import AzureBlobStorage
from storage.errors import StorageUnavailable
from tests.conftest import blob_connection_string, free_port


@pytest.fixture
async def storage(azurite: int) -> AsyncIterator[AzureBlobStorage]:
    storage = AzureBlobStorage(blob_connection_string(azurite), f"test-{uuid.uuid4().hex[:16]}")
    await storage.open()
    yield storage
    await storage.close()


async def test_state_round_trips_with_its_e_tag(storage: AzureBlobStorage) -> None:
    written = {"booking": BookingDetails(destination="Paris", origin="Berlin")}
    assert await storage.read(["emulator/conversations/c 1"]) == {}

    await storage.write({"emulator/conversations/c 1": written})
    read = (await storage.read(["emulator/conversations/c 1", "missing"]))[
        "emulator/conversations/c 1"
    ]

    assert (read["booking"].destination, read["booking"].origin) == ("Paris", "Berlin")
    assert read["e_tag"] == written["e_tag"]
    assert read["e_tag"].startswith("0x")


async def test_an_unreachable_account_is_named_at_start() -> None:
    port = free_port()
    storage = AzureBlobStorage(blob_connection_string(port), "bot-state")

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    assert str(raised.value).startswith(
        f"BlobConnectionString: cannot reach blob storage at http://127.0.0.1:{port}/devstoreaccount1/: "
    )


async def test_a_wrong_account_key_is_named_at_start(azurite: int) -> None:
    wrong_key = "d3JvbmcKd3JvbmcKd3JvbmcKd3JvbmcKd3JvbmcKd3Jvbmc="
    storage = AzureBlobStorage(blob_connection_string(azurite, wrong_key), "bot-state")

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    assert str(raised.value) == (
        f"BlobConnectionString: http://127.0.0.1:{azurite}/devstoreaccount1/ refused the "
        "account's credentials (HTTP 403)"
    )
