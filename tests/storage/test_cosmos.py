"""Cosmos DB storage against @vercel/cosmosdb-server, a Node implementation of the Cosmos DB
REST API: what a turn reads and writes, e-tags, the check at start, and the event loop."""

import asyncio
import json
import socket
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from azure.cosmos.aio import ContainerProxy, CosmosClient
from azure.identity.aio import DefaultAzureCredential

from storage.cosmos import AzureCosmosStorage, document_id
from storage.errors import CorruptRecord, StateConflict, StorageUnavailable
from tests.conftest import (
    COSMOS_KEY,
    EmulatorClient,
    ManagedIdentityEndpoint,
    StubConnector,
    free_port,
    make_certificate,
    start_app_process,
    written_and_read,
)

RECORDS = Path(__file__).parent.parent / "data" / "legacy_state" / "records.json"


def cosmos_storage(cosmos_db: tuple[str, str], container: str = "") -> AzureCosmosStorage:
    endpoint, certificate = cosmos_db
    return AzureCosmosStorage(
        endpoint,
        COSMOS_KEY,
        "bot-db",
        container or f"c-{uuid.uuid4().hex}",
        ca_file=certificate,
    )


@pytest.fixture
async def storage(cosmos_db: tuple[str, str]) -> AsyncIterator[AzureCosmosStorage]:
    storage = cosmos_storage(cosmos_db)
    await storage.open()
    yield storage
    await storage.close()


@pytest.fixture
async def container(
    cosmos_db: tuple[str, str], storage: AzureCosmosStorage
) -> AsyncIterator[ContainerProxy]:
    """The storage's container, as any other client of the account sees it (azure-cosmos
    verifies no certificate on 127.0.0.1)."""
    endpoint, _ = cosmos_db
    async with CosmosClient(endpoint, COSMOS_KEY) as client:
        database = client.get_database_client(storage.database_id)
        yield database.get_container_client(storage.container_id)


async def test_state_round_trips_with_its_e_tag(storage: AzureCosmosStorage) -> None:
    written = {"booking": {"destination": "Paris", "origin": "Berlin"}}

    await storage.write({"emulator/conversations/c?1": written})
    (read,) = (await storage.read(["emulator/conversations/c?1"])).values()

    assert read == {"booking": {"destination": "Paris", "origin": "Berlin"}, "e_tag": read["e_tag"]}
    assert read["e_tag"] == written["e_tag"]


async def test_an_item_is_kept_as_a_document_under_its_escaped_key(
    storage: AzureCosmosStorage, container: ContainerProxy
) -> None:
    written = {"version": 1, "said": "Zürich → 東京"}
    await storage.write({"emulator/conversations/c?1": written})

    document = await container.read_item(
        "emulator*47conversations*47c*631", partition_key="emulator*47conversations*47c*631"
    )

    assert {key: value for key, value in document.items() if not key.startswith("_")} == {
        "id": "emulator*47conversations*47c*631",
        "realId": "emulator/conversations/c?1",
        "document": {"version": 1, "said": "Zürich → 東京"},
    }
    assert document["_etag"] == written["e_tag"]


async def test_a_document_the_bot_wrote_before_is_read_as_the_json_it_holds(
    storage: AzureCosmosStorage, container: ContainerProxy
) -> None:
    record = next(
        record
        for record in json.loads(RECORDS.read_text())["records"]
        if record["store"] == "cosmos"
    )
    document = await container.create_item(json.loads(record["body"]))

    (read,) = (await storage.read([record["key"]])).values()

    assert read == {**json.loads(record["body"])["document"], "e_tag": document["_etag"]}


@pytest.mark.parametrize("document", ["DialogState", [], None], ids=["string", "array", "null"])
async def test_a_document_that_holds_no_json_object_is_refused_and_may_be_written_over(
    storage: AzureCosmosStorage, container: ContainerProxy, document: Any
) -> None:
    stored = await container.create_item({"id": "a*47b", "realId": "a/b", "document": document})

    with pytest.raises(CorruptRecord) as raised:
        await storage.read(["a/b"])
    assert str(raised.value) == "a/b: its document is not a JSON object"
    assert raised.value.e_tag == stored["_etag"]

    await storage.write({"a/b": {"version": 1, "e_tag": raised.value.e_tag}})
    assert (await storage.read(["a/b"]))["a/b"]["version"] == 1


async def test_calls_made_at_once_before_the_store_is_open_connect_once(
    cosmos_db: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clients: list[CosmosClient] = []

    def counted(*args: Any, **options: Any) -> CosmosClient:
        clients.append(CosmosClient(*args, **options))
        return clients[-1]

    monkeypatch.setattr("storage.cosmos.CosmosClient", counted)
    storage = cosmos_storage(cosmos_db)
    try:
        await asyncio.gather(storage.write({"a": {"n": 1}}), storage.write({"b": {"n": 2}}))
        assert [item["n"] for item in (await storage.read(["a", "b"])).values()] == [1, 2]
    finally:
        await storage.close()

    assert len(clients) == 1


async def test_saving_an_item_deleted_meanwhile_is_a_conflict(
    storage: AzureCosmosStorage,
) -> None:
    await storage.write({"a": {"n": 1}})
    mine = (await storage.read(["a"]))["a"]
    await storage.delete(["a"])

    with pytest.raises(StateConflict):
        await storage.write({"a": mine})


@pytest.mark.parametrize(
    ("key", "document_id_"),
    [
        ("emulator/conversations/c 1", "emulator*47conversations*47c 1"),
        ("a\\b?c/d#e\tf\ng\rh*i", "a*92b*63c*47d*35e*9f*10g*13h*42i"),
        ("*", "*42"),
        ("", ""),
        ("Zürich/東京", "Zürich*47東京"),
        ("a" * 255, "a" * 255),
        ("a" * 252 + "/", "a" * 252 + "*47"),
        ("a" * 256, "a" * 191 + "02d7160d77e18c6447be80c2e355c7ed4388545271702c50253b0914c65ce5fe"),
        (
            "a" * 253 + "/",
            "a" * 191 + "0781281bbab21b0906519847afd36a12ba4e8f41c6b9a8ecd6e79ab40191b6c4",
        ),
        (
            "/" * 100,
            "*47" * 63 + "*4" + "7c890aefb4843c18c8af9d9335c4e389011807ecab868e109ceba9162581e89c",
        ),
        ("é" * 300, "é" * 191 + "7250b66610f8b7dbd6f5e5426d2143bcba6d826cedb4bea8a358695da78db023"),
    ],
    ids=[
        "slashes",
        "every-escaped-character",
        "star",
        "empty",
        "unicode",
        "255-long",
        "255-long-escaped",
        "256-long",
        "256-long-escaped",
        "escaped-past-255",
        "unicode-past-255",
    ],
)
def test_a_key_is_escaped_as_botbuilder_azure_escaped_it(key: str, document_id_: str) -> None:
    assert document_id(key) == document_id_
    assert len(document_id_) <= 255


def test_the_documents_the_bot_wrote_before_have_the_ids_it_gives_their_keys() -> None:
    records = [
        record
        for record in json.loads(RECORDS.read_text())["records"]
        if record["store"] == "cosmos"
    ]

    assert len(records) == 8
    for record in records:
        document = json.loads(record["body"])
        assert document_id(document["realId"]) == document["id"]


async def test_an_unreachable_endpoint_is_named_at_start() -> None:
    endpoint = f"https://127.0.0.1:{free_port()}/"
    storage = AzureCosmosStorage(endpoint, COSMOS_KEY, "bot-db", "bot-state")

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    assert str(raised.value).startswith(f"CosmosDbEndpoint: cannot reach {endpoint}: ")
    assert "Connect call failed" in str(raised.value)


async def test_a_certificate_signed_by_another_authority_is_refused(
    cosmos_db: tuple[str, str], tmp_path: Path
) -> None:
    endpoint, _ = cosmos_db
    other = tmp_path / "other.pem"
    make_certificate(other, tmp_path / "other-key.pem")
    storage = AzureCosmosStorage(
        endpoint, COSMOS_KEY, "bot-db", "bot-state", start_timeout=2.0, ca_file=str(other)
    )

    with pytest.raises(StorageUnavailable) as raised:
        await storage.open()
    assert str(raised.value).startswith(f"CosmosDbEndpoint: cannot reach {endpoint}: ")
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value)


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
    assert "Connect call failed" in stderr
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
    seed = cosmos_storage(cosmos_db, container)
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
    return seed.container_id


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
    # azure-cosmos (4.7 as 4.17) asks for its endpoint's own host as the token's audience.
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
