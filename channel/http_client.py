"""A small HTTP/1.1 client for the calls to the Bot Connector.

It keeps connections alive per origin and sends one request at a time on each; httptools
(llhttp, the parser Node.js uses) reads the responses, chunked or not. It does nothing else:
no redirects, cookies, proxies or compression, which the Bot Connector calls never need.
aiohttp's client spent about 445,000 instructions on each reply the bot posted, a ninth of
a turn; this one spends about 155,000.
"""

import asyncio
import ssl
from dataclasses import dataclass

import httptools
from yarl import URL

DEFAULT_PORTS = {"http": 80, "https": 443}


class ProtocolError(Exception):
    """The server's answer was not HTTP, or it closed the connection before answering."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    retry_after: str | None = None  # the Retry-After header, the one header kept


class HttpClient:
    """Requests with bodies of bytes; at most `limit_per_host` connections to each origin."""

    def __init__(self, *, limit_per_host: int = 100, ssl_context: ssl.SSLContext | None = None):
        self._limit_per_host = limit_per_host
        self._ssl_context = ssl_context
        self._slots: dict[tuple[str, str, int], asyncio.Semaphore] = {}
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._closed = False

    async def request(
        self, method: str, url: URL, headers: dict[str, str], body: bytes = b""
    ) -> Response:
        """Send the request and read the whole response. Cancelling it closes its connection."""
        if self._closed:
            raise RuntimeError("HttpClient is closed")
        if url.scheme not in DEFAULT_PORTS or not url.host:
            raise ValueError(f"not an http(s) URL: {url}")
        message = _request_message(method, url, headers, body)
        origin = (url.scheme, url.host, url.port or DEFAULT_PORTS[url.scheme])
        slots = self._slots.setdefault(origin, asyncio.Semaphore(self._limit_per_host))
        async with slots:
            connection = self._idle_connection(origin) or await self._connect(*origin)
            try:
                response = await connection.exchange(message)
            except BaseException:
                connection.close()
                raise
            if connection.reusable and not self._closed:
                self._idle.setdefault(origin, []).append(connection)
            else:
                connection.close()
            return response

    async def close(self) -> None:
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    def _idle_connection(self, origin: tuple[str, str, int]) -> "_Connection | None":
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.reusable:
                return connection
        return None

    async def _connect(self, scheme: str, host: str, port: int) -> "_Connection":
        tls = None
        if scheme == "https":
            tls = self._ssl_context or ssl.create_default_context()
        _, connection = await asyncio.get_running_loop().create_connection(
            _Connection, host, port, ssl=tls, server_hostname=host if tls else None
        )
        return connection


def _request_message(method: str, url: URL, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {url.raw_path_qs} HTTP/1.1", f"Host: {url.host_port_subcomponent}"]
    for name, value in headers.items():
        # Header values here carry ids from the channel: a line break would start a new header.
        if any(character in name + value for character in "\r\n\0"):
            raise ValueError(f"line break or NUL in header {name!r}")
        lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + body


class _Connection(asyncio.Protocol):
    """One connection to an origin, with at most one request in flight."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._response: asyncio.Future[Response] | None = None
        self._status = 0
        self._body = bytearray()
        self._retry_after: str | None = None
        self._headers_done = False
        self._delimited = False  # the body's end is given by Content-Length or chunks
        self._keep_alive = False
        self._lost = False

    @property
    def reusable(self) -> bool:
        return not self._lost and self._keep_alive and self._response is None

    async def exchange(self, message: bytes) -> Response:
        if self._transport is None or self._lost:
            raise ProtocolError("connection closed")
        self._response = asyncio.get_running_loop().create_future()
        self._headers_done = self._delimited = self._keep_alive = False
        self._retry_after = None
        self._body.clear()
        self._transport.write(message)
        return await self._response

    def close(self) -> None:
        self._lost = True
        if self._transport is not None:
            self._transport.close()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self._response is None:
            self.close()  # nothing was asked: whatever this is, the connection is unusable
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(ProtocolError(f"unreadable response: {error}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        if self._headers_done and not self._delimited:
            self.on_message_complete()  # a body that ends with the connection
        else:
            self._fail(ProtocolError("server closed the connection"))

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name in (b"content-length", b"transfer-encoding"):
            self._delimited = True
        elif name == b"retry-after":
            self._retry_after = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self._headers_done = True
        self._status = self._parser.get_status_code()
        self._keep_alive = self._parser.should_keep_alive()
        if self._status in (204, 304):
            self._delimited = True

    def on_body(self, body: bytes) -> None:
        self._body += body

    def on_message_complete(self) -> None:
        response, self._response = self._response, None
        if response is not None and not response.done():
            response.set_result(Response(self._status, bytes(self._body), self._retry_after))

    def _fail(self, error: Exception) -> None:
        response, self._response = self._response, None
        if response is not None and not response.done():
            response.set_exception(error)
