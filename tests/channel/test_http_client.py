"""HttpClient against servers on 127.0.0.1 that answer the way real ones may."""

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from channel.http_client import MAX_ROUTES, HttpClient, ProtocolError, Proxies
from tests.conftest import RecordingProxy, make_certificate, reset, tcp_server

Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def client() -> AsyncIterator[HttpClient]:
    client = HttpClient()
    yield client
    await client.close()


@asynccontextmanager
async def raw_server(answer: Answer) -> AsyncIterator[tuple[URL, list[int]]]:
    """A server that reads each request's head and body, then lets `answer` write bytes.
    Yields its URL and the client ports of the connections it accepted."""
    ports: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ports.append(writer.get_extra_info("peername")[1])
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

    async with tcp_server(handle) as port:
        yield URL(f"http://127.0.0.1:{port}/v3/x"), ports


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
    received: list[Any] = []  # the request's method, path and headers; then its body

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


@pytest.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[tuple[URL, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate; its URL and certificate."""
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
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]  # started
    yield URL(f"https://127.0.0.1:{port}/v3/x"), certificate
    await runner.cleanup()


async def test_https_with_a_trusted_certificate(tls_server: tuple[URL, Path]) -> None:
    url, certificate = tls_server
    trusting = HttpClient(ssl_context=ssl.create_default_context(cafile=certificate))
    untrusting = HttpClient()
    try:
        response = await trusting.request("POST", url, {}, b"{}")
        with pytest.raises(ssl.SSLCertVerificationError):
            await untrusting.request("POST", url, {}, b"{}")
    finally:
        await trusting.close()
        await untrusting.close()

    assert (response.status, response.body) == (200, b'{"id": "over-tls"}')


# The way to the channel: connections that drop, stall or answer too much, and proxies.


def hang_up(writer: asyncio.StreamWriter) -> None:
    writer.close()


async def test_a_connection_idle_longer_than_the_bound_is_closed() -> None:
    closed = asyncio.Event()

    async def answer_then_wait(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(OK)
        await writer.drain()
        if await reader.read(1) == b"":
            closed.set()

    loop = asyncio.get_running_loop()
    client = HttpClient(idle_timeout=0.2)
    async with raw_server(answer_then_wait) as (url, _):
        await client.request("POST", url, {}, b"{}")
        answered = loop.time()
        async with asyncio.timeout(5):
            await closed.wait()
        idle = loop.time() - answered
    await client.close()

    assert idle > 0.15


@pytest.mark.parametrize("drop", [hang_up, reset], ids=["closed", "reset"])
async def test_a_request_a_kept_alive_connection_drops_unanswered_is_sent_on_a_new_one(
    client: HttpClient, drop: Callable[[asyncio.StreamWriter], None]
) -> None:
    requests: list[int] = []  # the client port each request came from

    async def first_on_each_connection(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        port = writer.get_extra_info("peername")[1]
        requests.append(port)
        if requests.count(port) > 1:
            drop(writer)
            return
        writer.write(OK)
        await writer.drain()

    async with raw_server(first_on_each_connection) as (url, ports):
        first = await client.request("POST", url, {}, b"{}")
        second = await client.request("POST", url, {}, b"{}")

    assert first.status == second.status == 201
    assert requests == [ports[0], ports[0], ports[1]]


async def test_a_request_is_sent_again_once_at_most_and_only_after_a_kept_alive_connection(
    client: HttpClient,
) -> None:
    requests = 0

    async def only_the_first(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        requests += 1
        if requests > 1:
            writer.close()
            return
        writer.write(OK)
        await writer.drain()

    async with raw_server(only_the_first) as (url, ports):
        await client.request("POST", url, {}, b"{}")
        with pytest.raises(ProtocolError, match="server closed the connection"):
            await client.request("POST", url, {}, b"{}")  # kept alive, then a new connection
        with pytest.raises(ProtocolError, match="server closed the connection"):
            await client.request("POST", url, {}, b"{}")  # a new connection only

    assert (requests, len(ports)) == (4, 3)


async def test_a_request_whose_answer_had_begun_is_not_sent_again(client: HttpClient) -> None:
    requests = 0

    async def then_half(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        requests += 1
        writer.write(OK if requests == 1 else OK[:20])
        await writer.drain()
        if requests > 1:
            writer.close()

    async with raw_server(then_half) as (url, _):
        await client.request("POST", url, {}, b"{}")
        with pytest.raises(ProtocolError, match="server closed the connection"):
            await client.request("POST", url, {}, b"{}")

    assert requests == 2


async def test_a_kept_alive_connection_that_stalls_is_not_sent_again(client: HttpClient) -> None:
    requests = 0
    stalled = asyncio.Event()

    async def then_nothing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        requests += 1
        if requests == 1:
            writer.write(OK)
            await writer.drain()
        else:
            stalled.set()
            await reader.read()  # until the client gives up

    async with raw_server(then_nothing) as (url, ports):
        await client.request("POST", url, {}, b"{}")
        request = asyncio.create_task(client.request("POST", url, {}, b"{}"))
        async with asyncio.timeout(5):
            await stalled.wait()
        request.cancel()  # as the caller's deadline does
        with pytest.raises(asyncio.CancelledError):
            await request

    assert (requests, len(ports)) == (2, 1)


@pytest.mark.parametrize(
    ("framing", "chunk"),
    [
        (b"Content-Length: 1000000000", b"x" * 16384),
        (b"Transfer-Encoding: chunked", b"4000\r\n" + b"x" * 16384 + b"\r\n"),
    ],
    ids=["length", "chunked"],
)
async def test_a_body_over_64_kib_is_not_read(
    client: HttpClient, framing: bytes, chunk: bytes
) -> None:
    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 201 Created\r\n" + framing + b"\r\n\r\n")
        while True:  # until the client closes the connection
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(0.001)  # paced: a client that kept it all would fill slowly

    async with raw_server(endless) as (url, ports):
        async with asyncio.timeout(3):
            responses = [await client.request("POST", url, {}, b"{}") for _ in range(2)]

    assert [(r.status, r.body, r.body_dropped) for r in responses] == [(201, b"", True)] * 2
    assert len(ports) == 2  # the rest of the body was not waited for


async def test_a_head_over_64_kib_is_a_protocol_error(client: HttpClient) -> None:
    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 201 Created\r\nX-Padding: ")
        while True:  # until the client closes the connection
            writer.write(b"x" * 16384)
            await writer.drain()
            await asyncio.sleep(0.001)

    async with raw_server(endless) as (url, _):
        with pytest.raises(ProtocolError, match="response head over 65536 bytes"):
            async with asyncio.timeout(3):
                await client.request("POST", url, {}, b"{}")


async def test_https_goes_through_the_proxy_in_a_tunnel(
    tls_server: tuple[URL, Path], proxy: RecordingProxy
) -> None:
    url, certificate = tls_server
    client = HttpClient(
        ssl_context=ssl.create_default_context(cafile=certificate),
        proxies=Proxies.of(https=proxy.url),
    )
    try:
        responses = [await client.request("POST", url, {}, b"{}") for _ in range(2)]
    finally:
        await client.close()

    assert [(r.status, r.body) for r in responses] == [(200, b'{"id": "over-tls"}')] * 2
    (sent,) = proxy.sent  # one tunnel, kept alive
    authority = f"127.0.0.1:{url.port}".encode()
    assert sent.startswith(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (authority, authority))
    assert b"over-tls" not in sent  # the rest was TLS
    assert b"POST" not in sent


async def test_http_goes_to_the_proxy_whole_with_the_proxy_credentials(
    proxy: RecordingProxy,
) -> None:
    proxy_url = proxy.url.replace("http://", "http://bot:p%40ss@")
    client = HttpClient(proxies=Proxies.of(http=proxy_url))
    async with raw_server(replying(OK)) as (url, _):
        responses = [await client.request("POST", url, {}, b"{}") for _ in range(2)]
    await client.close()

    assert [r.status for r in responses] == [201, 201]
    assert proxy.request_lines() == [f"POST {url} HTTP/1.1"] * 2
    (sent,) = proxy.sent  # one connection to the proxy, kept alive
    assert sent.count(b"\r\nProxy-Authorization: Basic Ym90OnBAc3M=\r\n") == 2


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost, 127.0.0.1", "*"])
async def test_hosts_no_proxy_names_are_reached_directly(
    proxy: RecordingProxy, no_proxy: str
) -> None:
    client = HttpClient(proxies=Proxies.of(http=proxy.url, no_proxy=no_proxy))
    async with raw_server(replying(OK)) as (url, ports):
        response = await client.request("POST", url, {}, b"{}")
    await client.close()

    assert (response.status, len(ports), proxy.sent) == (201, 1, [])


async def test_a_proxy_that_refuses_the_tunnel_is_named(
    tls_server: tuple[URL, Path], proxy: RecordingProxy
) -> None:
    url, _ = tls_server
    proxy.refuse = 407
    client = HttpClient(proxies=Proxies.of(https=proxy.url))
    with pytest.raises(ProtocolError, match="the proxy refused the tunnel: HTTP 407"):
        await client.request("POST", url, {}, b"{}")
    await client.close()


async def test_a_proxy_that_never_answers_is_left_when_the_caller_gives_up(
    tls_server: tuple[URL, Path], proxy: RecordingProxy
) -> None:
    url, _ = tls_server
    proxy.answering = False
    client = HttpClient(proxies=Proxies.of(https=proxy.url))
    request = asyncio.create_task(client.request("POST", url, {}, b"{}"))
    async with asyncio.timeout(5):
        await proxy.asked.wait()
    request.cancel()  # as the caller's deadline does
    with pytest.raises(asyncio.CancelledError):
        await request
    async with asyncio.timeout(5):
        await proxy.abandoned.wait()  # the connection to the proxy was closed
    await client.close()


async def test_what_it_keeps_per_origin_is_bounded(client: HttpClient) -> None:
    # Origins that refuse the connection: 127.0.0.1 on ports nothing listens on (each a new
    # origin, as a new serviceUrl would be).
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    free = listening.getsockname()[1]
    listening.close()
    origins = MAX_ROUTES + 50
    for n in range(origins):
        host = f"127.0.{n // 250}.{1 + n % 250}"
        with pytest.raises(ConnectionRefusedError):
            await client.request("POST", URL(f"http://{host}:{free}/v3/{n}"), {}, b"{}")

    # Private tables, read here because only their size is in question.
    assert len(client._routes) == MAX_ROUTES
    assert client._slots == {}
    assert client._idle == {}


async def test_an_interim_answer_is_skipped(client: HttpClient) -> None:
    interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
    async with raw_server(replying(interim + OK)) as (url, ports):
        responses = [await client.request("POST", url, {}, b"{}") for _ in range(2)]

    assert [(r.status, r.body) for r in responses] == [(201, b'{"id":1}')] * 2
    assert len(ports) == 1


async def test_a_head_that_comes_with_a_long_body_is_no_long_head(client: HttpClient) -> None:
    body = b'{"id":"' + b"x" * 100_000 + b'"}'
    taken = b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    async with raw_server(replying(taken)) as (url, _):
        response = await client.request("POST", url, {}, b"{}")

    assert (response.status, response.body_dropped) == (201, True)


async def test_a_head_over_the_limit_is_still_refused(client: HttpClient) -> None:
    long_head = b"HTTP/1.1 201 Created\r\nX-Padding: " + b"x" * 70_000 + b"\r\n\r\n"
    async with raw_server(replying(long_head)) as (url, _):
        with pytest.raises(ProtocolError, match="response head over 65536 bytes"):
            await client.request("POST", url, {}, b"{}")
