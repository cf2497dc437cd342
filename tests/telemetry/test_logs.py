"""LOG_FORMAT=json: one JSON object per line, with the conversation's hash, the activity and
the trace of the turn that logged it."""

import json
import logging
import re
import sys
from typing import Any

import pytest
from aiohttp import ClientSession

import telemetry
from config import DefaultConfig
from telemetry.logs import TEXT_FORMAT, JsonFormatter, TextFormatter
from tests.conftest import (
    EmulatorClient,
    FailingStorage,
    Recorded,
    StartBot,
    StubConnector,
    health_url,
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
    # The activity's id, hashed as the conversation's is: a Direct Line id holds the
    # conversation's.
    assert line["activity_id"] == telemetry.hashed(f"emulator/{activity['id']}")
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


FORGED = "FORGED ERROR app: a line of the client's"
# Every character some log reader takes for the end of a line.
LINE_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def line_starts(log: str) -> list[str]:
    return [part[: len(FORGED)] for part in LINE_BREAKS.split(log)]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_logged_value_never_starts_a_line(log_format: str) -> None:
    formatter = JsonFormatter() if log_format == "json" else TextFormatter(TEXT_FORMAT)
    values = [f"x{separator}{FORGED}" for separator in "\n\r\x85\u2028\u2029\v"]
    try:
        raise ValueError(f"bad\n{FORGED}")
    except ValueError:
        failed = logging.LogRecord("app", logging.ERROR, "app.py", 1, "%s", (FORGED,), None)
        failed.exc_info = sys.exc_info()
    records = [
        logging.LogRecord("app", logging.INFO, "app.py", 1, "skipped %s", (value,), None)
        for value in values
    ]

    log = "\n".join(formatter.format(record) for record in [*records, failed])

    assert FORGED not in line_starts(log)
    assert f"ValueError: bad\n  {FORGED}" in log or log_format == "json"


async def test_app_py_logs_a_client_header_on_one_line(
    connector: tuple[StubConnector, str], http_session: ClientSession
) -> None:
    stub, service_url = connector
    app = await start_app_process({}, http_session)
    emulator = EmulatorClient(http_session, app.url, stub, service_url)
    forging = {"User-Agent": f"x\x85{FORGED}", "Referer": f"y\x85{FORGED}"}
    async with http_session.post(
        app.url, json=emulator.activity(text="hi"), headers=forging
    ) as response:
        assert response.status == 201
    # The request's line is written once its answer is sent; on a busy machine the client can
    # read the answer first. Another request answered means that line is out, before the stop.
    async with http_session.get(health_url(app.url)) as response:
        assert response.status == 200

    log = (await app.stop()).decode()

    assert f"x\\x85{FORGED}" in log
    assert FORGED not in line_starts(log)


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_app_py_logs_no_id_in_clear(
    connector: tuple[StubConnector, str], http_session: ClientSession, log_format: str
) -> None:
    stub, service_url = connector
    app = await start_app_process({"LOG_FORMAT": log_format}, http_session)
    emulator = EmulatorClient(
        http_session, app.url, stub, service_url, conversation_id="private-conversation"
    )
    sender = {"from": {"id": "private-user", "name": "Private Person"}}
    activity = emulator.activity(
        text="book a flight to Paris", id="private-conversation|01", **sender
    )
    await emulator.post(activity)
    async with http_session.post(app.url, json=activity) as repeated:  # a repeat is logged
        assert repeated.status == 200
    stub.failing = (500, {})
    await emulator.post(emulator.activity(text="Berlin", id="private-conversation|02", **sender))

    log = (await app.stop()).decode()

    assert "Skipped activity" in log
    assert "not delivered" in log
    assert "private" not in log.lower()
