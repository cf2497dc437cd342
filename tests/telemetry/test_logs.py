"""LOG_FORMAT=json: one JSON object per line, with the conversation's hash, the activity and
the trace of the turn that logged it."""

import json
import logging
from typing import Any

import pytest
from aiohttp import ClientSession

from config import DefaultConfig
from telemetry.logs import JsonFormatter
from tests.conftest import (
    EmulatorClient,
    FailingStorage,
    Recorded,
    StartBot,
    StubConnector,
    start_app_process,
)


def json_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(line) for line in caplog.text.splitlines()]


async def fail_a_turn(emulator: EmulatorClient, storage: FailingStorage) -> dict[str, Any]:
    """Join, then send a message whose state cannot be saved; the activity sent."""
    await emulator.join()
    storage.fail_next_write = True
    activity = emulator.activity(text="fly to Seattle")
    await emulator.post(activity)
    return activity


async def test_the_error_handler_logs_the_turn_it_failed(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.setFormatter(JsonFormatter())
    storage = FailingStorage()
    config = DefaultConfig.from_env({"HOST": "127.0.0.1", "LOG_FORMAT": "json"})
    emulator = await start_bot(config, storage=storage)

    activity = await fail_a_turn(emulator, storage)

    (line,) = [line for line in json_lines(caplog) if line["level"] == "ERROR"]
    assert line["logger"] == "adapter_with_error_handler"
    assert line["message"] == "Unhandled error in a turn"
    assert line["conversation"] == "799236a7e9f598ae"
    assert line["activity_id"] == activity["id"]
    assert "trace_id" not in line  # nothing is traced without an exporter
    assert line["exception"].endswith("ConnectionError: storage unreachable")
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "conversation",
        "activity_id",
        "exception",
    }


async def test_with_traces_the_line_names_the_trace(
    start_bot: StartBot, recorded: Recorded, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.setFormatter(JsonFormatter())
    storage = FailingStorage()
    emulator = await start_bot(recorder=recorded.recorder, storage=storage)

    await fail_a_turn(emulator, storage)

    (line,) = [line for line in json_lines(caplog) if line["level"] == "ERROR"]
    assert line["trace_id"] == format(recorded.turns()[-1].context.trace_id, "032x")


async def test_outside_a_turn_a_line_has_only_its_own_fields() -> None:
    record = logging.LogRecord("corebot", logging.WARNING, __file__, 1, "a %s", ("b",), None)
    record.created = 1796000000.25

    assert json.loads(JsonFormatter().format(record)) == {
        "time": "2026-11-30T00:53:20.250+00:00",
        "level": "WARNING",
        "logger": "corebot",
        "message": "a b",
    }


async def test_app_py_writes_json_lines(
    connector: tuple[StubConnector, str], http_session: ClientSession
) -> None:
    stub, service_url = connector
    app = await start_app_process({"LOG_FORMAT": "json"}, http_session)
    emulator = EmulatorClient(http_session, app.url, stub, service_url)
    await emulator.join()
    assert await emulator.say("book a flight to Paris") == [
        "From what city will you be travelling?"
    ]

    log = (await app.stop()).decode()

    lines = [json.loads(line) for line in log.splitlines()]
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert "Language understanding: embedded" in [line["message"] for line in lines]
    assert [line["logger"] for line in lines if line["logger"] == "aiohttp.access"] != []
