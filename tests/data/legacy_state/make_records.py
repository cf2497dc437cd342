"""Writes the stored records of `records.json`: conversations left at each of the bot's
questions, in Blob Storage (Azurite) and Cosmos DB (its stand-in), as the code of commit
e705660 (the last that stored jsonpickle JSON) wrote them.

It needs that commit's code: from a checkout of e705660 with `make test`'s installs done,
copy this file in and run `.venv-test/bin/python make_records.py OUT.json` there. The
records in this folder were made so, on 2026-12-07. It is kept for the record: the code it
drives (storage.blob.AzureBlobStorage and storage.cosmos.AzureCosmosStorage on jsonpickle)
is gone from later commits.
"""

import asyncio
import json
import logging
import sys
import uuid
from pathlib import Path
from typing import Any

from aiohttp import ClientSession
from azure.cosmos import CosmosClient
from azure.storage.blob.aio import ContainerClient

from app import create_app
from config import DefaultConfig
from tests.conftest import (
    COSMOS_KEY,
    EmulatorClient,
    StubConnector,
    blob_connection_string,
    cosmos_db_server,
    free_port,
    served,
    start_service,
    stop_service,
    azurite_command,
)

# Each conversation: what the user says (after the greeting), on which channel, and what
# the bot should say to the next message once the state is read back.
CONVERSATIONS: list[dict[str, Any]] = [
    {"name": "first-question", "channel": "emulator", "say": []},
    {"name": "origin", "channel": "emulator", "say": ["book a flight to Paris"]},
    {"name": "origin-unsupported", "channel": "emulator", "say": ["fly from Rome to Paris"]},
    {"name": "date", "channel": "emulator", "say": ["book a flight from Berlin to Paris"]},
    {
        "name": "date-retry",
        "channel": "emulator",
        "say": ["book a flight from Berlin to Paris", "may 5th"],
    },
    {
        "name": "confirmation",
        "channel": "emulator",
        "say": ["fly from Paris to Berlin on March 3rd 2035"],
    },
    {
        "name": "confirmation-msteams",
        "channel": "msteams",
        "say": ["fly from Seattle to London on March 3rd 2035"],
    },
    {
        "name": "after-booking",
        "channel": "emulator",
        "say": ["fly from Paris to Berlin on March 3rd 2035", "yes"],
    },
]


async def converse(emulator: EmulatorClient, say: list[str]) -> None:
    await emulator.join()
    for text in say:
        await emulator.say(text)


async def record_blob(session: ClientSession, connector: tuple[StubConnector, str]) -> list:
    port = free_port()
    workspace = Path("/tmp") / f"azurite-{uuid.uuid4().hex[:8]}"
    workspace.mkdir()
    process = start_service(
        azurite_command(port, "--inMemoryPersistence"), port, workspace / "log", workspace
    )
    container = f"legacy-{uuid.uuid4().hex[:8]}"
    environ = {
        "HOST": "127.0.0.1",
        "PORT": "0",
        "STORAGE": "blob",
        "RECOGNIZER": "embedded",
        "BlobConnectionString": blob_connection_string(port),
        "BlobContainerName": container,
    }
    records = []
    try:
        stub, service_url = connector
        async with served(create_app(DefaultConfig.from_env(environ))) as server:
            url = str(server.make_url("/api/messages"))
            for conversation in CONVERSATIONS:
                emulator = EmulatorClient(
                    session,
                    url,
                    stub,
                    service_url,
                    channel_id=conversation["channel"],
                    conversation_id=f"conversation-{conversation['name']}",
                )
                await converse(emulator, conversation["say"])
        client = ContainerClient.from_connection_string(
            blob_connection_string(port), container
        )
        async with client:
            async for blob in client.list_blobs():
                data = await (await client.download_blob(blob.name)).readall()
                records.append({"store": "blob", "key": blob.name, "body": data.decode()})
    finally:
        stop_service(process)
    return records


async def record_cosmos(session: ClientSession, connector: tuple[StubConnector, str]) -> list:
    workspace = Path("/tmp") / f"cosmos-{uuid.uuid4().hex[:8]}"
    workspace.mkdir()
    server_process = cosmos_db_server(workspace)
    endpoint = f"https://127.0.0.1:{server_process.port}/"
    container = f"legacy-{uuid.uuid4().hex[:8]}"
    environ = {
        "HOST": "127.0.0.1",
        "PORT": "0",
        "STORAGE": "cosmos",
        "RECOGNIZER": "embedded",
        "CosmosDbEndpoint": endpoint,
        "CosmosDbAuthKey": COSMOS_KEY,
        "CosmosDbDatabaseId": "bot-db",
        "CosmosDbContainerId": container,
        }
    records = []
    try:
        stub, service_url = connector
        import storage.cosmos as cosmos_module

        original = cosmos_module.AzureCosmosStorage.__init__

        def with_ca(self: Any, *args: Any, **kwargs: Any) -> None:
            kwargs["ca_file"] = str(workspace / "cert.pem")
            original(self, *args, **kwargs)

        cosmos_module.AzureCosmosStorage.__init__ = with_ca  # type: ignore[method-assign]
        app = create_app(DefaultConfig.from_env(environ))
        # The stand-in answers a read of a missing document with 500: write each
        # conversation's state first, as the suite does.
        from app import STORAGE

        async with served(app) as server:
            url = str(server.make_url("/api/messages"))
            for conversation in CONVERSATIONS:
                key = f"{conversation['channel']}/conversations/conversation-{conversation['name']}"
                await app[STORAGE].write({key: {"e_tag": "*"}})
                emulator = EmulatorClient(
                    session,
                    url,
                    stub,
                    service_url,
                    channel_id=conversation["channel"],
                    conversation_id=f"conversation-{conversation['name']}",
                )
                await converse(emulator, conversation["say"])
        from azure.cosmos import documents

        ssl = documents.SSLConfiguration()
        ssl.SSLCaCerts = str(workspace / "cert.pem")
        client = CosmosClient(endpoint, COSMOS_KEY, ssl_config=ssl)
        items = client.get_database_client("bot-db").get_container_client(container)
        for item in items.read_all_items():
            document = {
                key: value for key, value in item.items() if not key.startswith("_")
            }
            records.append(
                {"store": "cosmos", "key": item["realId"], "body": json.dumps(document)}
            )
    finally:
        server_process.stop()
    return records


async def main(out: Path) -> None:
    logging.basicConfig(level=logging.WARNING)
    stub = StubConnector()
    async with served(stub.app) as stub_server, ClientSession() as session:
        connector = (stub, str(stub_server.make_url("/")))
        records = await record_blob(session, connector)
        records += await record_cosmos(session, connector)
    out.write_text(json.dumps({"commit": "e705660", "records": records}, indent=1) + "\n")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
