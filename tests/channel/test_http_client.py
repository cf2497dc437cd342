"""HttpClient against servers on 127.0.0.1 that answer the way real ones may."""

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from channel.http_client import HttpClient, ProtocolError
from tests.conftest import make_certificate

Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    client = HttpClient()
    yield client
    await client.close()


@asynccontextmanager
async def raw_server(answer: Answer) -> AsyncIterator[tuple[URL, list[int]]]:
    """A server that reads each request's head and body, then lets `answer` write bytes.
    Yields its URL and the client ports of the connections it accepted. Leaving the block
    closes the connections still open, as a server that stops does: since Python 3.12 the
    server's `wait_closed` waits for them, and the client keeps them alive."""
    ports: list[int] = []
    open_connections: set[asyncio.StreamWriter] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ports.append(writer.get_extra_info("peername")[1])
        open_connections.add(writer)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                await answer(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            open_connections.discard(writer)
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        try:
            yield URL(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v3/x"), ports
        finally:
            for writer in open_connections:
                writer.close()


def replying(*messages: bytes, then_close: bool = False) -> Answer:
    pending = list(messages)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(pending.pop(0) if len(pending) > 1 else pending[0])
        await writer.drain()
        if then_close:
            writer.close()

    return answer


OK = b'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{"id":1}'


async def test_a_kept_alive_connection_serves_the_next_request(client: HttpClient) -> None:
    async with raw_server(replying(OK)) as (url, ports):
        first = await client.request("POST", url, {}, b"{}")
        second = await client.request("POST", url, {}, b"{}")

    assert first.status == second.status == 201
    assert first.body == second.body == b'{"id":1}'
    assert len(ports) == 1


async def test_a_chunked_body_is_read_whole(client: HttpClient) -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4\r\n{"id\r\n5\r\n":"a"\r\n1\r\n}\r\n0\r\n\r\n'
    )
    async with raw_server(replying(chunked)) as (url, ports):
        responses = [await client.request("POST", url, {}, b"{}") for _ in range(2)]

    assert [r.body for r in responses] == [b'{"id":"a"}'] * 2
    assert len(ports) == 1


async def test_a_body_ended_by_closing_the_connection_is_read_and_not_reused(
    client: HttpClient,
) -> None:
    until_close = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}"
    async with raw_server(replying(until_close, then_close=True)) as (url, ports):
        responses = [await client.request("POST", url, {}, b"{}") for _ in range(2)]

    assert [(r.status, r.body) for r in responses] == [(200, b"{}")] * 2
    assert len(ports) == 2


async def test_no_content_needs_no_body(client: HttpClient) -> None:
    async with raw_server(replying(b"HTTP/1.1 204 No Content\r\n\r\n")) as (url, ports):
        responses = [await client.request("DELETE", url, {}) for _ in range(2)]

    assert [(r.status, r.body) for r in responses] == [(204, b"")] * 2
    assert len(ports) == 1


async def test_an_idle_connection_the_server_closed_is_not_used_again(
    client: HttpClient,
) -> None:
    async with raw_server(replying(OK, then_close=True)) as (url, ports):
        await client.request("POST", url, {}, b"{}")
        await asyncio.sleep(0.05)  # the close reaches the client
        response = await client.request("POST", url, {}, b"{}")

    assert response.status == 201
    assert len(ports) == 2


async def test_a_connection_closed_without_an_answer_is_a_protocol_error(
    client: HttpClient,
) -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    async with raw_server(hang_up) as (url, _):
        with pytest.raises(ProtocolError, match="server closed the connection"):
            await client.request("POST", url, {}, b"{}")


async def test_a_truncated_body_is_a_protocol_error(client: HttpClient) -> None:
    truncated = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}"
    async with raw_server(replying(truncated, then_close=True)) as (url, _):
        with pytest.raises(ProtocolError, match="server closed the connection"):
            await client.request("POST", url, {}, b"{}")


async def test_an_answer_that_is_not_http_is_a_protocol_error(client: HttpClient) -> None:
    async with raw_server(replying(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")) as (url, _):
        with pytest.raises(ProtocolError, match="unreadable response"):
            await client.request("POST", url, {}, b"{}")


async def test_a_line_break_in_a_header_is_refused_before_anything_is_sent(
    client: HttpClient,
) -> None:
    async with raw_server(replying(OK)) as (url, ports):
        with pytest.raises(ValueError, match="line break"):
            await client.request("POST", url, {"x-ms-conversation-id": "a\r\nX-Evil: 1"}, b"")

    assert ports == []


async def test_the_request_is_what_a_server_expects() -> None:
    received = []

    async def record(request: web.Request) -> web.Response:
        received.append((request.method, request.raw_path, dict(request.headers)))
        received.append(await request.read())
        return web.json_response({"id": "x"}, status=201)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", record)
    client = HttpClient()
    async with TestServer(app, host="127.0.0.1") as server:
        url = URL(str(server.make_url("/")) + "v3/conversations/a%3Ab/activities", encoded=True)
        response = await client.request("PUT", url, {"Accept": "application/json"}, b'{"a":1}')
    await client.close()

    assert response.status == 201
    method, raw_path, headers = received[0]
    assert (method, raw_path) == ("PUT", "/v3/conversations/a%3Ab/activities")
    assert headers["Host"] == f"127.0.0.1:{url.port}"
    assert headers["Accept"] == "application/json"
    assert headers["Content-Length"] == "7"
    assert received[1] == b'{"a":1}'


async def test_no_more_than_the_limit_of_connections_to_one_host() -> None:
    release = asyncio.Event()
    busy = []

    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        busy.append(1)
        await release.wait()
        writer.write(OK)
        await writer.drain()

    client = HttpClient(limit_per_host=2)
    async with raw_server(slow) as (url, ports):
        requests = [asyncio.create_task(client.request("POST", url, {}, b"{}")) for _ in range(5)]
        await asyncio.sleep(0.1)
        assert len(ports) == 2
        release.set()
        responses = await asyncio.gather(*requests)
    await client.close()

    assert [r.status for r in responses] == [201] * 5
    assert len(ports) == 2


async def test_a_cancelled_request_closes_its_connection(client: HttpClient) -> None:
    hung_up = asyncio.Event()

    async def first_never(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(ports) == 1:
            if await reader.read(1) == b"":
                hung_up.set()
            return
        writer.write(OK)
        await writer.drain()

    async with raw_server(first_never) as (url, ports):
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.1):
                await client.request("POST", url, {}, b"{}")
        async with asyncio.timeout(1):
            await hung_up.wait()
        response = await client.request("POST", url, {}, b"{}")

    assert response.status == 201
    assert len(ports) == 2


async def test_https_with_a_trusted_certificate(tmp_path: Path) -> None:
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    make_certificate(certificate, key)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certificate, key)

    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"id": "over-tls"})

    app = web.Application()
    app.router.add_post("/v3/x", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = URL(f"https://127.0.0.1:{port}/v3/x")
    trusting = HttpClient(ssl_context=ssl.create_default_context(cafile=certificate))
    untrusting = HttpClient()
    try:
        response = await trusting.request("POST", url, {}, b"{}")
        with pytest.raises(ssl.SSLCertVerificationError):
            await untrusting.request("POST", url, {}, b"{}")
    finally:
        await trusting.close()
        await untrusting.close()
        await runner.cleanup()

    assert (response.status, response.body) == (200, b'{"id": "over-tls"}')
