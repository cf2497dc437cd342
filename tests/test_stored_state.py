"""One stored state for both builds, in plain JSON: a booking begun on one build goes on on the
other through the same Blob Storage or Cosmos DB, two instances of different builds still book
once, and the records the bot stored before (jsonpickle JSON, tests/data/legacy_state/) go on
and are written back in the new form."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from azure.cosmos.aio import ContainerProxy, CosmosClient
from azure.storage.blob.aio import ContainerClient

from config import DefaultConfig
from storage.cosmos import AzureCosmosStorage
from tests.conftest import (
    COSMOS_KEY,
    AppProcess,
    EmulatorClient,
    StartBot,
    StubConnector,
    start_app_process,
)
from tests.test_shared_state import HeldBlobStorage

RECORDS = json.loads(
    (Path(__file__).parent / "data" / "legacy_state" / "records.json").read_text()
)["records"]
LATER = "2035-03-03"  # the day the legacy records' bookings fly

# Each legacy record: what the user says next, and what the bot answers, on the record's
# channel and conversation.
NEXT = {
    "first-question": ("book a flight to Paris", ["From what city will you be travelling?"]),
    "origin": ("Berlin", ["On what date would you like to travel?"]),
    "origin-unsupported": ("Berlin", ["On what date would you like to travel?"]),
    "date": (
        f"March 3rd {LATER[:4]}",
        [f"Please confirm, I have you traveling to: Paris from: Berlin on: {LATER}."],
    ),
    "date-retry": (
        f"March 3rd {LATER[:4]}",
        [f"Please confirm, I have you traveling to: Paris from: Berlin on: {LATER}."],
    ),
    "confirmation": (
        "yes",
        [f"I have you booked to Berlin from Paris on {LATER}", "What else can I do for you?"],
    ),
    # On Teams the first message only started the dialog (tests/data/legacy_state/).
    "confirmation-msteams": ("book a flight to Paris", ["From what city will you be travelling?"]),
    "after-booking": ("book a flight to Paris", ["From what city will you be travelling?"]),
}


@asynccontextmanager
async def served_by(
    build: tuple[str, str], environ: dict[str, str], session: ClientSession
) -> AsyncIterator[AppProcess]:
    """`app.py` of `build` (its name and Python) with `environ`, for the length of the block;
    its log must hold no traceback."""
    name, python = build
    app = await start_app_process({**environ, "BOT_SDK": name}, session, python=python)
    try:
        yield app
    finally:
        log = await app.stop()
    assert b"Traceback" not in log, log.decode(errors="replace")


def legacy(store: str) -> list[dict[str, Any]]:
    return [record for record in RECORDS if record["store"] == store]


def conversation_of(record: dict[str, Any]) -> tuple[str, str, str]:
    """The record's channel, conversation id and name (the key's last part)."""
    channel, _, conversation = record["key"].split("/", 2)
    return channel, conversation, conversation.removeprefix("conversation-")


def emulator_for(
    record: dict[str, Any], session: ClientSession, url: str, connector: tuple[StubConnector, str]
) -> EmulatorClient:
    stub, service_url = connector
    channel, conversation, _ = conversation_of(record)
    # The stored record remembers the ids of its last activities (user-13, ...): a message
    # with one of them would be taken for the channel's retry of it.
    return EmulatorClient(
        session,
        url,
        stub,
        service_url,
        channel_id=channel,
        conversation_id=conversation,
        id_prefix="after-upgrade",
    )


def in_the_new_form(record: dict[str, Any]) -> bool:
    return record.get("version") == 1 and "py/" not in json.dumps(record)


@pytest.fixture
async def blob_container(blob_environ: dict[str, str]) -> AsyncIterator[ContainerClient]:
    client = ContainerClient.from_connection_string(
        blob_environ["BlobConnectionString"], blob_environ["BlobContainerName"]
    )
    async with client:
        await client.create_container()
        yield client


@pytest.mark.parametrize(
    "record", legacy("blob"), ids=[conversation_of(r)[2] for r in legacy("blob")]
)
async def test_a_conversation_stored_before_goes_on_from_blob_storage(
    start_bot: StartBot,
    blob_environ: dict[str, str],
    blob_container: ContainerClient,
    http_session: ClientSession,
    connector: tuple[StubConnector, str],
    record: dict[str, Any],
) -> None:
    await blob_container.upload_blob(record["key"], record["body"].encode())
    url = (await start_bot(DefaultConfig.from_env(blob_environ))).url
    said, answer = NEXT[conversation_of(record)[2]]

    assert await emulator_for(record, http_session, url, connector).say(said) == answer

    stored = json.loads(await (await blob_container.download_blob(record["key"])).readall())
    assert in_the_new_form(stored)


@pytest.fixture
async def cosmos_container(cosmos_db: tuple[str, str]) -> AsyncIterator[tuple[str, ContainerProxy]]:
    """A container of the Cosmos DB stand-in, made as the bot makes its own; its name and a
    client of it."""
    made = cosmos_storage(cosmos_db, f"c-{uuid.uuid4().hex}")
    await made.open()
    await made.close()
    async with CosmosClient(cosmos_db[0], COSMOS_KEY, connection_verify=False) as client:
        database = client.get_database_client("bot-db")
        yield made.container_id, database.get_container_client(made.container_id)


def cosmos_storage(cosmos_db: tuple[str, str], container: str) -> AzureCosmosStorage:
    endpoint, certificate = cosmos_db
    return AzureCosmosStorage(endpoint, COSMOS_KEY, "bot-db", container, ca_file=certificate)


def cosmos_environ(cosmos_db: tuple[str, str], container: str) -> dict[str, str]:
    return {
        "STORAGE": "cosmos",
        "CosmosDbEndpoint": cosmos_db[0],
        "CosmosDbAuthKey": COSMOS_KEY,
        "CosmosDbDatabaseId": "bot-db",
        "CosmosDbContainerId": container,
    }


@pytest.mark.parametrize(
    "record", legacy("cosmos"), ids=[conversation_of(r)[2] for r in legacy("cosmos")]
)
async def test_a_conversation_stored_before_goes_on_from_cosmos_db(
    start_bot: StartBot,
    cosmos_db: tuple[str, str],
    cosmos_container: tuple[str, ContainerProxy],
    http_session: ClientSession,
    connector: tuple[StubConnector, str],
    record: dict[str, Any],
) -> None:
    name, container = cosmos_container
    document = json.loads(record["body"])
    await container.create_item(document)
    storage = cosmos_storage(cosmos_db, name)
    url = (
        await start_bot(DefaultConfig.from_env(cosmos_environ(cosmos_db, name)), storage=storage)
    ).url
    said, answer = NEXT[conversation_of(record)[2]]

    assert await emulator_for(record, http_session, url, connector).say(said) == answer

    stored = await container.read_item(document["id"], partition_key=document["id"])
    assert stored["realId"] == record["key"]
    assert in_the_new_form(stored["document"])


async def test_a_booking_begun_on_the_other_build_goes_on_on_this_one(
    start_bot: StartBot,
    blob_environ: dict[str, str],
    other_build: tuple[str, str],
    http_session: ClientSession,
    connector: tuple[StubConnector, str],
    tomorrow: str,
) -> None:
    stub, service_url = connector
    async with served_by(other_build, blob_environ, http_session) as other:
        emulator = EmulatorClient(http_session, other.url, stub, service_url)
        await emulator.join()
        assert await emulator.say("book a flight to Seattle") == [
            "From what city will you be travelling?"
        ]
        assert await emulator.say("New York") == ["On what date would you like to travel?"]

    emulator.url = (await start_bot(DefaultConfig.from_env(blob_environ))).url
    assert await emulator.say("tomorrow") == [
        f"Please confirm, I have you traveling to: Seattle from: New York on: {tomorrow}."
    ]
    assert await emulator.say("yes") == [
        f"I have you booked to Seattle from New York on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_a_booking_begun_on_this_build_goes_on_on_the_other_one(
    start_bot: StartBot,
    cosmos_db: tuple[str, str],
    cosmos_container: tuple[str, ContainerProxy],
    other_build: tuple[str, str],
    http_session: ClientSession,
    connector: tuple[StubConnector, str],
    tomorrow: str,
) -> None:
    name, _ = cosmos_container
    environ = cosmos_environ(cosmos_db, name)
    storage = cosmos_storage(cosmos_db, name)
    # The stand-in answers a read of a missing document with HTTP 500, not 404 (its bug), so
    # the conversation's state is written before its first turn.
    await storage.open()
    await storage.write({"emulator/conversations/conversation-1": {}})
    emulator = await start_bot(DefaultConfig.from_env(environ), storage=storage)
    await emulator.join()
    assert await emulator.say("fly from Paris to Berlin") == [
        "On what date would you like to travel?"
    ]
    assert await emulator.say("tomorrow") == [
        f"Please confirm, I have you traveling to: Berlin from: Paris on: {tomorrow}."
    ]

    async with served_by(other_build, environ, http_session) as other:
        emulator.url = other.url
        assert await emulator.say("yes") == [
            f"I have you booked to Berlin from Paris on {tomorrow}",
            "What else can I do for you?",
        ]


async def test_two_yes_on_instances_of_the_two_builds_book_once(
    start_bot: StartBot,
    blob_environ: dict[str, str],
    other_build: tuple[str, str],
    http_session: ClientSession,
    connector: tuple[StubConnector, str],
    tomorrow: str,
) -> None:
    config = DefaultConfig.from_env(blob_environ)
    held = HeldBlobStorage(config.BLOB_CONNECTION_STRING, config.BLOB_CONTAINER_NAME)
    held.hold = False
    here = await start_bot(config, storage=held)
    await here.join()
    await here.say("book a flight from berlin to paris tomorrow")
    stub, service_url = connector
    async with served_by(other_build, blob_environ, http_session) as other:
        there = EmulatorClient(http_session, other.url, stub, service_url)
        held.hold = True
        # Both instances read the conversation at the confirmation; this build saves last.
        late = asyncio.create_task(here.post(here.activity(text="yes")))
        await held.writing.wait()
        first = await there.say("yes")
        held.go_on.set()
        second = [reply.get("text") for reply in await late]

    assert first == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]
    assert second == [
        "Sorry, I didn't get that. Please try asking in a different way",
        "What else can I do for you?",
    ]
