"""Slow and broken clients over real sockets: bodies have a deadline, and connections a bound
that keeps the service answering."""

import asyncio
import json
import logging
import re
import signal
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from aiohttp import ClientSession, TCPConnector

from app import create_app
from config import DefaultConfig
from tests.conftest import (
    EmulatorClient,
    HangingConnector,
    StubConnector,
    served,
    start_app_process,
)

HEAD = (
    b"POST /api/messages HTTP/1.1\r\n"
    b"Host: 127.0.0.1\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: 200\r\n"
    b"\r\n"
    b'{"type": "message", "text": "'
)


@asynccontextmanager
async def slow_client(
    port: int, sent: bytes = HEAD
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """A connection that has sent `sent` (by default the headers and part of a body) and
    sends nothing more."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(sent)
    try:
        yield reader, writer
    finally:
        writer.close()


async def answer_of(reader: asyncio.StreamReader, within: float) -> bytes:
    """All the server sends until it closes the connection."""
    try:
        return await asyncio.wait_for(reader.read(), within)
    except ConnectionResetError:
        return b""


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info
    ]


async def test_a_body_that_does_not_arrive_in_time_ends_its_connection(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    config = DefaultConfig.from_env({"HOST": "127.0.0.1", "BODY_TIMEOUT": "0.5"})
    async with served(create_app(config)) as server:
        assert server.port is not None  # served, so listening
        started = time.perf_counter()
        async with slow_client(server.port) as (reader, _):
            answer = await answer_of(reader, within=5)
        took = time.perf_counter() - started

    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {
        "error": "the body did not arrive within 0.5 s"
    }
    assert 0.5 <= took < 2.5
    refusals = [record.getMessage() for record in caplog.records if "Refused" in record.msg]
    assert refusals == ["Refused a request: 408 the body did not arrive within 0.5 s"]
    assert problems(caplog) == []


CHUNKED = HEAD.replace(b"Content-Length: 200", b"Transfer-Encoding: chunked")


async def test_clients_cut_short_get_400_or_a_closed_connection_and_no_traceback(
    http_session: ClientSession,
) -> None:
    app = await start_app_process({}, http_session)
    port = int(app.url.split(":")[2].split("/")[0])
    try:
        for sent in [
            HEAD,
            CHUNKED.replace(b'{"type"', b'40\r\n{"type"'),
            CHUNKED.replace(b'{"type"', b'zz\r\n{"type"'),
        ]:
            async with slow_client(port, sent) as (reader, writer):
                writer.write_eof()
                answer = await answer_of(reader, within=5)
            # A request aiohttp cannot read is answered in HTTP/1.0. Python 3.11 drops that
            # answer once the client has closed its side; 3.12 and later send it.
            assert answer == b"" or answer.startswith((b"HTTP/1.1 400 ", b"HTTP/1.0 400 ")), answer
        async with http_session.get(app.url.replace("/api/messages", "/healthz")) as health:
            assert health.status == 200
    finally:
        stderr = (await app.stop()).decode()

    assert "Traceback" not in stderr
    assert " ERROR " not in stderr
    # One line for each client; the broken chunks were refused before any handler ran.
    refused = [line.split(" INFO ")[1] for line in stderr.splitlines() if "Refused" in line]
    assert sorted(refused) == [
        "adapter_with_error_handler: Refused a request: 400 the body was cut short",
        "adapter_with_error_handler: Refused a request: 400 the body was cut short",
        "aiohttp.server: Refused a request that could not be read (BadHttpMessage)",
    ]


async def test_hundreds_of_slow_clients_at_the_open_files_limit_do_not_keep_others_out(
    connector: tuple[StubConnector, str], tomorrow: str
) -> None:
    """The attack that kept the bot at its open-files limit, scaled down: 256 files, 400
    connections that send headers and half a body, then a booking."""
    stub, service_url = connector
    async with ClientSession(connector=TCPConnector(force_close=True)) as session:
        app = await start_app_process({"BODY_TIMEOUT": "2"}, session, open_files=256)
        port = int(app.url.split(":")[2].split("/")[0])
        assert app.process.stderr is not None
        log = asyncio.create_task(app.process.stderr.read())  # a full pipe would stall the app
        try:
            async with AsyncExitStack() as stack:
                slow = [await stack.enter_async_context(slow_client(port)) for _ in range(400)]
                await book_quickly(EmulatorClient(session, app.url, stub, service_url), tomorrow)
                # Each slow connection is closed within the deadline: with a 408, or to make room.
                answers = await asyncio.gather(*(answer_of(reader, within=8) for reader, _ in slow))
                assert {answer[:30] for answer in answers} <= {
                    b"",
                    b"HTTP/1.1 408 Request Timeout\r\n",
                }
        finally:
            app.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(app.process.wait(), 20)
        stderr = (await log).decode()

    assert "Traceback" not in stderr
    assert " ERROR " not in stderr
    assert "at most 56 connections are accepted" in stderr


async def book_quickly(emulator: EmulatorClient, tomorrow: str) -> None:
    """A booking, each answer within 2 s."""
    started = time.perf_counter()
    await emulator.join()
    assert time.perf_counter() - started < 2
    for said, answer in [
        ("fly from Berlin to Paris", "On what date would you like to travel?"),
        (
            "tomorrow",
            f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}.",
        ),
        ("yes", f"I have you booked to Paris from Berlin on {tomorrow}"),
    ]:
        started = time.perf_counter()
        assert (await emulator.say(said))[0] == answer
        assert time.perf_counter() - started < 2


async def test_when_every_connection_is_being_answered_a_new_one_is_refused(
    http_session: ClientSession,
    connector: tuple[StubConnector, str],
    hanging_service_url: tuple[HangingConnector, str],
) -> None:
    stub, service_url = connector
    hanging, hanging_url = hanging_service_url
    app = await start_app_process({"MAX_CONNECTIONS": "2"}, http_session)
    port = int(app.url.split(":")[2].split("/")[0])
    try:
        async with ClientSession(connector=TCPConnector(force_close=True)) as session:
            emulator = EmulatorClient(session, app.url, stub, service_url)
            stuck = [emulator.in_conversation(name, hanging_url) for name in ("a", "b")]
            turns = [asyncio.create_task(client.say("hi")) for client in stuck]
            for _ in stuck:
                await hanging.arrived.get()  # both turns wait for the channel

            async with slow_client(port, b"") as (reader, _):
                answer = await answer_of(reader, within=2)
            assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
            assert answer.endswith(b'{"error": "too many connections"}')

            hanging.release.set()
            await asyncio.gather(*turns)
            assert await emulator.say("hi") == [None, "What can I help you with today?"]
    finally:
        stderr = (await app.stop()).decode()
    assert "Traceback" not in stderr
    assert "2 connections are open, the most allowed" in stderr


async def test_each_request_is_one_line_of_the_access_log(
    connector: tuple[StubConnector, str], http_session: ClientSession
) -> None:
    stub, service_url = connector
    app = await start_app_process({}, http_session)
    try:
        await EmulatorClient(http_session, app.url, stub, service_url).join()
    finally:
        log = (await app.stop()).decode()
    lines = [line for line in log.splitlines() if "aiohttp.access" in line]
    assert len(lines) == 2, log  # the start-up's health check, then the join
    assert re.fullmatch(
        r"\S+ \S+ INFO aiohttp.access: 127\.0\.0\.1 \"POST /api/messages HTTP/1\.1\" 201 \d+ "
        r"\"-\" \"Python/3\.\d+ aiohttp/\S+\" \d+\.\d ms",
        lines[1],
    ), lines[1]
