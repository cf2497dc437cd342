"""A store that fails while the bot runs, and comes back: Azurite stopped (connections
refused), answering connections by resetting them, or frozen (SIGSTOP, then SIGCONT); the
Cosmos DB stand-in stopped or frozen. Each turn ends within STORAGE_TIMEOUT and says why,
nothing stored is lost, and /healthz tells."""

import asyncio
import socket
import struct
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from config import DefaultConfig
from storage.blob import AzureBlobStorage
from storage.cosmos import AzureCosmosStorage
from tests.conftest import (
    COSMOS_KEY,
    EmulatorClient,
    LocalService,
    StartBot,
    blob_connection_string,
)

TIMEOUT = 1.0  # STORAGE_TIMEOUT in these tests
# Two turns of one conversation sent together run one after the other, each within the
# deadline; the rest is for a busy machine.
TWO_TURNS = 2 * TIMEOUT + 1.5


async def health(emulator: EmulatorClient) -> tuple[int, dict[str, Any]]:
    async with emulator.session.get(emulator.url.replace("/api/messages", "/healthz")) as response:
        return response.status, await response.json()


async def two_at_once(emulator: EmulatorClient, text: str) -> tuple[list[str | None], float]:
    """Send `text` twice at once; the texts of all the replies, and how long it took."""
    started = time.monotonic()
    async with asyncio.timeout(10):
        replies = await asyncio.gather(
            *(emulator.post(emulator.activity(text=text)) for _ in range(2))
        )
    return [reply.get("text") for replies_to_one in replies for reply in replies_to_one], (
        time.monotonic() - started
    )


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer a connection with a TCP reset."""
    writer.get_extra_info("socket").setsockopt(
        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
    )
    writer.close()


@asynccontextmanager
async def broken(service: LocalService, fault: str) -> AsyncIterator[None]:
    """The service fails as `fault` says for the length of the block, then is back."""
    if fault == "frozen":
        service.freeze()
        try:
            yield
        finally:
            service.thaw()
        return
    await asyncio.to_thread(service.stop)
    resetter = None
    if fault == "resetting":
        resetter = await asyncio.start_server(reset, "127.0.0.1", service.port)
    try:
        yield
    finally:
        if resetter is not None:
            resetter.close()
            await resetter.wait_closed()
        await asyncio.to_thread(service.start)


def blob_config(azurite: LocalService) -> DefaultConfig:
    return DefaultConfig.from_env(
        {
            "STORAGE": "blob",
            "BlobConnectionString": blob_connection_string(azurite.port),
            "BlobContainerName": "bot-state",
            "STORAGE_TIMEOUT": f"{TIMEOUT:g}",
        }
    )


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("stopped", "blob storage: connection failed"),
        ("resetting", "blob storage: connection failed"),
        ("frozen", "blob storage: no answer within 1 s"),
    ],
)
async def test_while_blob_storage_fails_the_user_hears_so_in_time_and_loses_nothing(
    start_bot: StartBot, own_azurite: LocalService, fault: str, reason: str
) -> None:
    emulator = await start_bot(blob_config(own_azurite))
    await emulator.join()
    assert await emulator.say("fly to Paris") == ["From what city will you be travelling?"]

    async with broken(own_azurite, fault):
        replies, took = await two_at_once(emulator, "Berlin")
        assert (
            replies
            == ["Sorry, I can't reach my memory right now. Please try again in a moment."] * 2
        )
        assert took < TWO_TURNS
        assert await health(emulator) == (
            503,
            {"status": "storage unreachable", "reason": reason, "conversationsInTurn": 0},
        )

    assert await health(emulator) == (200, {"status": "ok", "conversationsInTurn": 0})
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]


class StoppedBeforeWrite(AzureBlobStorage):
    """Blob storage whose Azurite stops just before the next write, once `armed`."""

    def __init__(self, azurite: LocalService, *args: Any, **options: Any) -> None:
        super().__init__(*args, **options)
        self.azurite = azurite
        self.armed = False

    async def write(self, changes: dict[str, Any]) -> None:
        if self.armed:
            self.armed = False
            await asyncio.to_thread(self.azurite.stop)
        await super().write(changes)


async def test_a_turn_whose_state_cannot_be_saved_says_nothing_else(
    start_bot: StartBot, own_azurite: LocalService
) -> None:
    config = blob_config(own_azurite)
    storage = StoppedBeforeWrite(
        own_azurite, config.BLOB_CONNECTION_STRING, "bot-state", timeout=TIMEOUT
    )
    emulator = await start_bot(config, storage=storage)
    await emulator.join()
    assert await emulator.say("fly to Paris") == ["From what city will you be travelling?"]
    storage.armed = True

    async with asyncio.timeout(TIMEOUT + 10):  # stopping Azurite takes a while
        replies = await emulator.say("Berlin")

    # Not "On what date would you like to travel?": that turn was not saved.
    assert replies == ["Sorry, I can't reach my memory right now. Please try again in a moment."]
    await asyncio.to_thread(own_azurite.start)
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("stopped", "Cosmos DB: connection failed"), ("frozen", "Cosmos DB: no answer within 1 s")],
)
async def test_while_cosmos_db_fails_the_user_hears_so_in_time(
    start_bot: StartBot, own_cosmos_db: LocalService, tmp_path: Path, fault: str, reason: str
) -> None:
    storage = AzureCosmosStorage(
        f"https://127.0.0.1:{own_cosmos_db.port}/",
        COSMOS_KEY,
        "bot-db",
        "bot-state",
        timeout=TIMEOUT,
        ca_file=str(tmp_path / "cert.pem"),
    )
    await storage.open()
    # The stand-in answers a read of a missing document with HTTP 500, not 404 (its bug), so
    # the conversation's state is written before its first turn.
    await storage.write({"emulator/conversations/conversation-1": {}})
    emulator = await start_bot(storage=storage)
    await emulator.join()
    assert await emulator.say("fly to Paris") == ["From what city will you be travelling?"]

    if fault == "stopped":
        # The stand-in keeps its data in memory: stopped, it comes back empty.
        await asyncio.to_thread(own_cosmos_db.stop)
    else:
        own_cosmos_db.freeze()
    replies, took = await two_at_once(emulator, "Berlin")
    assert (
        replies == ["Sorry, I can't reach my memory right now. Please try again in a moment."] * 2
    )
    assert took < TWO_TURNS
    assert await health(emulator) == (
        503,
        {"status": "storage unreachable", "reason": reason, "conversationsInTurn": 0},
    )
    if fault == "frozen":
        own_cosmos_db.thaw()
        assert await health(emulator) == (200, {"status": "ok", "conversationsInTurn": 0})
        assert await emulator.say("Berlin") == ["On what date would you like to travel?"]
