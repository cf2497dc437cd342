"""Faults around the bot: a hanging channel, failing storage, oversized bodies, shutdown."""

import asyncio
import logging
import signal
import time
from typing import Any

import pytest

import sdk
from config import DefaultConfig
from storage.errors import StorageUnreachable
from storage.memory import MemoryStorage
from tests.conftest import (
    EmulatorClient,
    HangingConnector,
    StartBot,
    start_app_process,
)


async def test_a_hanging_channel_holds_up_no_other_conversation(
    start_bot: StartBot, hanging_service_url: tuple[HangingConnector, str]
) -> None:
    hanging, service_url = hanging_service_url
    config = DefaultConfig.from_env({"OUTBOUND_TIMEOUT": "0.5"})
    emulator = await start_bot(config)
    stuck = emulator.in_conversation("stuck", service_url)
    await emulator.join()

    started = time.perf_counter()
    stuck_turns = [asyncio.create_task(stuck.post(stuck.activity(text="hi"))) for _ in range(8)]
    await asyncio.sleep(0.05)
    assert await emulator.say("fly to Paris") == ["From what city will you be travelling?"]
    other_done = time.perf_counter() - started
    await asyncio.gather(*stuck_turns)
    stuck_done = time.perf_counter() - started

    assert other_done < 0.4
    assert hanging.calls >= 1
    # Eight turns of the stuck conversation run one after another, each bounded by the timeout.
    assert stuck_done < 8 * 0.5 + 2


class ConversationStorage(MemoryStorage):
    """Memory storage that cannot reach one conversation's state, and says so as our Blob and
    Cosmos DB storage do."""

    def __init__(self, broken: str) -> None:
        super().__init__()
        self.broken = broken

    def _check(self, keys: Any) -> None:
        if any(self.broken in key for key in keys):
            raise StorageUnreachable("blob storage: connection failed")

    async def read(self, keys: list[str]) -> dict[str, Any]:
        self._check(keys)
        return await super().read(keys)

    async def write(self, changes: dict[str, Any]) -> None:
        self._check(changes)
        await super().write(changes)


async def test_unreachable_storage_tells_the_user_logs_once_and_spares_others(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = await start_bot(storage=ConversationStorage("conversations/broken"))
    broken = emulator.in_conversation("broken")
    await emulator.join()
    caplog.clear()

    replies = await broken.say("fly to Paris")

    assert replies == ["Sorry, I can't reach my memory right now. Please try again in a moment."]
    (record,) = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert record.getMessage() == (
        "Turn of conversation cb2deec7c45b51e5 not done: blob storage: connection failed"
    )
    assert record.exc_info is None
    assert await emulator.say("fly to Paris") == ["From what city will you be travelling?"]


async def test_a_body_over_the_limit_is_refused(start_bot: StartBot) -> None:
    emulator = await start_bot(DefaultConfig.from_env({"MAX_REQUEST_BYTES": "4096"}))
    body = emulator.activity(text="x" * 5000)

    async with emulator.session.post(emulator.url, json=body) as response:
        assert response.status == 413
        assert await response.json() == {"error": "the body is too large"}
    assert emulator.connector.take() == []


async def test_the_default_limit_is_explicit_and_generous_for_activities() -> None:
    assert DefaultConfig().MAX_REQUEST_BYTES == 256 * 1024


async def test_health(start_bot: StartBot) -> None:
    emulator = await start_bot()

    async with emulator.session.get(emulator.url.replace("/api/messages", "/healthz")) as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok", "conversationsInTurn": 0}


async def test_started_for_development_it_warns_and_on_sigterm_finishes_the_turn(
    connector: tuple[Any, str], http_session: Any
) -> None:
    stub, service_url = connector
    app = await start_app_process({}, http_session)
    bot = app.process
    port = int(app.url.split(":")[2].split("/")[0])
    try:
        url = app.url
        emulator = EmulatorClient(http_session, url, stub, service_url)
        await emulator.join()
        await emulator.say("fly from Berlin to Paris")
        # The channel holds the turn's reply: the turn is in flight.
        stub.answering.clear()
        in_flight = asyncio.create_task(emulator.say("whenever suits you"))
        await stub.holding.wait()

        bot.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.2)

        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)
        assert not in_flight.done()
        stub.answering.set()
        assert await in_flight == [
            "I'm sorry, for best results, please enter your travel date including the month, "
            "day and year. "
        ]
        assert await asyncio.wait_for(bot.wait(), 15) == 0
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    _, stderr = await bot.communicate()
    assert b"Traceback" not in stderr
    # It says which build runs.
    running = {
        "botbuilder": b"Running on the Bot Framework SDK (botbuilder-python) 4.17.1 "
        b"(BOT_SDK=botbuilder)",
        "agents": b"Running on the Microsoft 365 Agents SDK 1.9.0 (BOT_SDK=agents)",
    }
    assert running[sdk.NAME] in stderr
    # Started without MicrosoftAppId: one clear warning that authentication is off.
    assert stderr.count(b"WARNING") == 1
    assert (
        b"MicrosoftAppId is not set: authentication is off. This is for local development "
        b"with the Emulator only; do not expose this service to the internet."
    ) in stderr
