"""Cosmos DB storage against @vercel/cosmosdb-server, a Node implementation of the Cosmos DB
REST API: what a turn reads and writes, e-tags, the check at start, and the event loop."""

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import ClientSession
from azure.identity import DefaultAzureCredential

from booking_details import BookingDetails
from storage.cosmos import AzureCosmosStorage
from storage.errors import StateConflict, StorageUnavailable
from tests.conftest import (
    COSMOS_KEY,
    EmulatorClient,
    ManagedIdentityEndpoint,
    StubConnector,
    start_app_process,
    written_and_read,
)


def cosmos_storage(cosmos_db: tuple[str, str]) -> AzureCosmosStorage:
    endpoint, certificate = cosmos_db
    return AzureCosmosStorage(
        endpoint, COSMOS_KEY, "bot-db", f"c-{uuid.uuid4().hex}", ca_file=certificate
    )


@pytest.fixture
async def storage(cosmos_db: tuple[str, str]) -> AsyncIterator[AzureCosmosStorage]:
    storage = cosmos_storage(cosmos_db)
    await storage.open()
    yield storage
    await storage.close()


async def test_state_round_trips_with_its_e_tag(storage: AzureCosmosStorage) -> None:
    written = {"booking": BookingDetails(destination="Paris", origin="Berlin")}

    await storage.write({"emulator/conversations/c?1": written})
    (read,) = (await storage.read(["emulator/conversations/c?1"])).values()

    assert (read["booking"].destination, read["booking"].origin) == ("Paris", "Berlin")
    assert read["e_tag"] == written["e_tag"]


async def test_saving_an_item_deleted_meanwhile_is_a_conflict(
    storage: AzureCosmosStorage,
) -> None:
    await storage.write({"a": {"n": 1}})
    mine = (await storage.read(["a"]))["a"]
    await storage.delete(["a"])

    with pytest.raises(StateConflict):
        await storage.write({"a": mine})


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A port on 127.0.0.1 that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield f"https://127.0.0.1:{listener.getsockname()[1]}/"


async def test_while_cosmos_does_not_answer_the_event_loop_runs_on(
    silent_endpoint: str,
) -> None:
    storage = AzureCosmosStorage(
        silent_endpoint, COSMOS_KEY, "bot-db", "bot-state", start_timeout=1.0
    )
    gaps: list[float] = []

    async def tick() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    ticker.cancel()

    assert str(raised.value) == f"CosmosDbEndpoint: no answer from {silent_endpoint} within 1 s"
    assert len(gaps) > 50
    assert max(gaps) < 0.1


async def test_an_unreachable_endpoint_stops_the_app_at_start(
    http_session: ClientSession,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ = {
        "STORAGE": "cosmos",
        "CosmosDbEndpoint": f"https://127.0.0.1:{port}/",
        "CosmosDbAuthKey": COSMOS_KEY,
        "CosmosDbDatabaseId": "bot-db",
        "CosmosDbContainerId": "bot-state",
    }

    app = await start_app_process(environ, http_session, expect_start=False)
    stderr = (await app.exited()).decode()

    assert app.process.returncode == 2
    assert (
        f"ERROR __main__: Cannot start: CosmosDbEndpoint: cannot reach https://127.0.0.1:{port}/: "
    ) in stderr
    assert "Connection refused" in stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("key", "tokens"),
    [(COSMOS_KEY, []), ("", [("https://127.0.0.1", "storage-identity")])],
    ids=["account-key", "managed-identity"],
)
async def test_a_full_booking_with_cosmos_storage_set_up_by_its_settings(
    cosmos_db: tuple[str, str],
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
    tomorrow: str,
    key: str,
    tokens: list[tuple[str, str]],
) -> None:
    endpoint, _ = cosmos_db
    identity, identity_environ = identity_endpoint
    container = f"c-{uuid.uuid4().hex}"
    environ = {
        **identity_environ,
        "STORAGE": "cosmos",
        "CosmosDbEndpoint": endpoint,
        "CosmosDbAuthKey": key,
        "CosmosDbDatabaseId": "bot-db",
        "CosmosDbContainerId": container,
        "AZURE_CLIENT_ID": "storage-identity",
    }
    # The stand-in answers a read of a missing document with HTTP 500, not 404 (its bug), so
    # the conversation's state is written before its first turn.
    seed = cosmos_storage(cosmos_db)
    seed.config.container_id = container
    await seed.open()
    await seed.write({"emulator/conversations/conversation-1": {}})
    await seed.close()
    stub, service_url = connector
    # azure-cosmos does not verify the certificate of an endpoint on 127.0.0.1 (the emulator's
    # convention), so the app needs no CA file here.
    app = await start_app_process(environ, http_session)
    try:
        emulator = EmulatorClient(http_session, app.url, stub, service_url)
        *_, intro = await emulator.join()
        assert intro["text"] == "What can I help you with today?"
        assert await emulator.say("book a flight to Paris") == [
            "From what city will you be travelling?"
        ]
        assert await emulator.say("Berlin") == ["On what date would you like to travel?"]
        assert await emulator.say("tomorrow") == [
            f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
        ]
        assert await emulator.say("yes") == [
            f"I have you booked to Paris from Berlin on {tomorrow}",
            "What else can I do for you?",
        ]
    finally:
        stderr = await app.stop()
    assert b"Traceback" not in stderr
    assert app.process.returncode == 0
    assert identity.requests == tokens


async def existing_container(cosmos_db: tuple[str, str]) -> str:
    """A container made with the account key, as `az cosmosdb sql container create` would."""
    seed = cosmos_storage(cosmos_db)
    await seed.open()
    await seed.close()
    return seed.config.container_id


def signed_in(cosmos_db: tuple[str, str], container: str) -> AzureCosmosStorage:
    """Cosmos DB storage with no key, signed in with DefaultAzureCredential."""
    endpoint, certificate = cosmos_db
    return AzureCosmosStorage(
        endpoint,
        "",
        "bot-db",
        container,
        credential=DefaultAzureCredential(),
        ca_file=certificate,
    )


async def test_with_no_key_the_state_round_trips_on_a_managed_identity_token(
    cosmos_db: tuple[str, str],
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
) -> None:
    endpoint, _ = identity_endpoint
    storage = signed_in(cosmos_db, await existing_container(cosmos_db))
    read = await written_and_read(storage, "emulator/conversations/c 1", {"booking": "Paris"})

    assert read["booking"] == "Paris"
    # azure-cosmos 4.7 asks for its endpoint's own host as the token's audience.
    assert endpoint.requests == [("https://127.0.0.1", None)]


async def test_with_no_key_a_missing_container_is_named_at_start(
    cosmos_db: tuple[str, str],
    identity_endpoint: tuple[ManagedIdentityEndpoint, dict[str, str]],
) -> None:
    endpoint, _ = cosmos_db
    storage = signed_in(cosmos_db, "no-such-container")

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    await storage.close()
    assert str(raised.value) == (
        f"CosmosDbContainerId: no container 'no-such-container' in database 'bot-db' at "
        f"{endpoint}; without CosmosDbAuthKey the bot cannot create it: create it, "
        "partitioned on /id"
    )
