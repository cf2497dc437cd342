"""State kept in Azure Blob Storage (Azurite here): bookings survive a restart, instances
share conversations, and races between them lose and duplicate nothing."""

import asyncio
import logging
from typing import Any

import pytest
from aiohttp import ClientSession

from config import DefaultConfig
from storage.blob import AzureBlobStorage
from tests.conftest import (
    EmulatorClient,
    StartBot,
    StubConnector,
    blob_connection_string,
    free_port,
    start_app_process,
)


async def test_a_full_booking_with_blob_storage(
    start_bot: StartBot, blob_environ: dict[str, str], tomorrow: str
) -> None:
    emulator = await start_bot(DefaultConfig.from_env(blob_environ))

    *_, intro = await emulator.join()
    assert intro["text"] == "What can I help you with today?"
    assert await emulator.say("I want to book a flight to Paris") == [
        "From what city will you be travelling?"
    ]
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]
    assert await emulator.say("tomorrow") == [
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
    ]
    assert await emulator.say("Yes") == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_a_booking_half_done_survives_a_restart(
    blob_environ: dict[str, str],
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
    tomorrow: str,
) -> None:
    stub, service_url = connector
    first = await start_app_process(blob_environ, http_session)
    try:
        emulator = EmulatorClient(http_session, first.url, stub, service_url)
        await emulator.join()
        assert await emulator.say("book a flight to Seattle") == [
            "From what city will you be travelling?"
        ]
    finally:
        await first.stop()
    assert first.process.returncode == 0

    second = await start_app_process(blob_environ, http_session)
    try:
        emulator.url = second.url
        assert await emulator.say("New York") == ["On what date would you like to travel?"]
        assert await emulator.say("tomorrow") == [
            f"Please confirm, I have you traveling to: Seattle from: New York on: {tomorrow}."
        ]
        assert await emulator.say("yes") == [
            f"I have you booked to Seattle from New York on {tomorrow}",
            "What else can I do for you?",
        ]
    finally:
        stderr = await second.stop()
    assert b"Traceback" not in stderr


async def test_two_instances_serve_alternate_turns_of_one_conversation(
    start_bot: StartBot, blob_environ: dict[str, str], tomorrow: str
) -> None:
    config = DefaultConfig.from_env(blob_environ)
    one = await start_bot(config)
    other = await start_bot(config)
    assert one.url != other.url

    await one.join()
    assert await other.say("fly to London") == ["From what city will you be travelling?"]
    assert await one.say("Paris") == ["On what date would you like to travel?"]
    assert await other.say("tomorrow") == [
        f"Please confirm, I have you traveling to: London from: Paris on: {tomorrow}."
    ]
    assert await one.say("yes") == [
        f"I have you booked to London from Paris on {tomorrow}",
        "What else can I do for you?",
    ]


class HeldBlobStorage(AzureBlobStorage):
    """Blob storage whose next write waits until the test lets it go."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.writing = asyncio.Event()
        self.go_on = asyncio.Event()
        self.hold = True

    async def write(self, changes: dict[str, Any]) -> None:
        if self.hold:
            self.hold = False
            self.writing.set()
            await self.go_on.wait()
        await super().write(changes)


async def test_two_yes_on_two_instances_book_once(
    start_bot: StartBot,
    blob_environ: dict[str, str],
    tomorrow: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = DefaultConfig.from_env(blob_environ)
    held = HeldBlobStorage(config.BLOB_CONNECTION_STRING, config.BLOB_CONTAINER_NAME)
    one = await start_bot(config)
    other = await start_bot(config, storage=held)
    await one.join()
    await one.say("book a flight from berlin to paris tomorrow")
    held.hold = True

    # Both instances read the conversation at the confirmation; `other` saves last.
    late = asyncio.create_task(other.post(other.activity(text="yes")))
    await held.writing.wait()
    first = await one.say("yes")
    held.go_on.set()
    second = [reply.get("text") for reply in await late]

    assert first == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]
    # Blob storage refused the late save (HTTP 412); the turn ran again on the saved state,
    # where the booking is done and "yes" is no request.
    assert second == [
        "Sorry, I didn't get that. Please try asking in a different way",
        "What else can I do for you?",
    ]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "Turn of conversation 799236a7e9f598ae not saved (attempt 1 of 3): "
        "emulator/conversations/conversation-1 has changed since it was read"
    ]


async def post_status(emulator: EmulatorClient, body: dict[str, Any]) -> int:
    async with emulator.session.post(emulator.url, json=body) as response:
        return response.status


async def test_a_retry_that_reaches_another_instance_is_not_processed_again(
    start_bot: StartBot, blob_environ: dict[str, str]
) -> None:
    config = DefaultConfig.from_env(blob_environ)
    one = await start_bot(config)
    other = await start_bot(config)
    await one.join()
    message = one.activity(text="fly to Paris")
    assert [reply.get("text") for reply in await one.post(message)] == [
        "From what city will you be travelling?"
    ]

    # The channel got no answer in time and sends the same activity again, to `other`.
    assert await post_status(other, message) == 200

    assert other.connector.take() == []
    assert await other.say("Berlin") == ["On what date would you like to travel?"]


async def test_a_retry_after_a_restart_is_not_processed_again(
    blob_environ: dict[str, str],
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
) -> None:
    stub, service_url = connector
    first = await start_app_process(blob_environ, http_session)
    try:
        emulator = EmulatorClient(http_session, first.url, stub, service_url)
        await emulator.join()
        message = emulator.activity(text="fly to Paris")
        assert [reply.get("text") for reply in await emulator.post(message)] == [
            "From what city will you be travelling?"
        ]
    finally:
        await first.stop()

    second = await start_app_process(blob_environ, http_session)
    try:
        emulator.url = second.url
        assert await post_status(emulator, message) == 200
        assert stub.take() == []
        assert await emulator.say("Berlin") == ["On what date would you like to travel?"]
    finally:
        stderr = await second.stop()
    assert b"Traceback" not in stderr


async def test_one_activity_run_on_two_instances_at_once_is_answered_once(
    start_bot: StartBot, blob_environ: dict[str, str], tomorrow: str
) -> None:
    config = DefaultConfig.from_env(blob_environ)
    held = HeldBlobStorage(config.BLOB_CONNECTION_STRING, config.BLOB_CONTAINER_NAME)
    one = await start_bot(config, storage=held)
    other = await start_bot(config)
    await other.join()
    await other.say("book a flight from berlin to paris tomorrow")

    # `one` runs the activity and waits to save; meanwhile its retry runs on `other`.
    yes = one.activity(text="yes")
    late = asyncio.create_task(post_status(one, yes))
    await held.writing.wait()
    assert [reply.get("text") for reply in await other.post(yes)] == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]
    held.go_on.set()

    # `one` lost the race to save, ran the turn again on the saved state, and found the
    # activity answered there: it says nothing.
    assert await late == 200
    assert one.connector.take() == []


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"STORAGE": "blob", "BlobContainerName": "bot-state"},
            "Cannot start: BlobConnectionString or BlobServiceUrl is required when STORAGE is blob",
        ),
        (
            {
                "STORAGE": "blob",
                "BlobConnectionString": "UseDevelopmentStorage",
                "BlobContainerName": "bot-state",
            },
            "Cannot start: BlobConnectionString is malformed: it must be Name=value pairs "
            "split by ;",
        ),
        (
            {"STORAGE": "cosmos", "CosmosDbEndpoint": "https://127.0.0.1:1/"},
            "Cannot start: CosmosDbDatabaseId is required when STORAGE is cosmos",
        ),
    ],
    ids=["blob-missing", "blob-malformed", "cosmos-missing"],
)
async def test_storage_misconfigured_stops_the_app_at_start_naming_the_setting(
    http_session: ClientSession, environ: dict[str, str], message: str
) -> None:
    app = await start_app_process(environ, http_session, expect_start=False)
    stderr = (await app.exited()).decode()

    assert app.process.returncode == 2
    assert message in stderr
    assert "Traceback" not in stderr
    assert stderr.count("ERROR") == 1


async def test_blob_storage_unreachable_at_start_stops_the_app(
    http_session: ClientSession, blob_environ: dict[str, str]
) -> None:
    port = free_port()
    environ = {**blob_environ, "BlobConnectionString": blob_connection_string(port)}

    app = await start_app_process(environ, http_session, expect_start=False)
    stderr = (await app.exited()).decode()

    assert app.process.returncode == 2
    assert (
        "ERROR __main__: Cannot start: BlobConnectionString: cannot reach blob storage at "
        f"http://127.0.0.1:{port}/devstoreaccount1/: Cannot connect to host 127.0.0.1:{port}"
    ) in stderr
    assert "Traceback" not in stderr
    assert stderr.count("ERROR") == 1


async def test_memory_storage_forgets_conversations_idle_too_long(start_bot: StartBot) -> None:
    emulator = await start_bot(DefaultConfig.from_env({"MEMORY_IDLE_TIMEOUT": "0.5"}))
    await emulator.join()
    assert await emulator.say("fly to Paris") == ["From what city will you be travelling?"]
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]

    await asyncio.sleep(0.7)

    # The booking is forgotten: the message is read afresh, as a new request.
    assert await emulator.say("fly to Seattle") == ["From what city will you be travelling?"]
