"""A small HTTP/1.1 client for the calls to the Bot Connector.

It keeps connections alive per origin and sends one request at a time on each; httptools
(llhttp, the parser Node.js uses) reads the responses, chunked or not. Besides that it does
only what the way to the channel needs: idle connections are closed before a load balancer
forgets them, a request that a kept-alive connection lost before its answer began is sent
once more on a new connection, the proxies the environment names are used (CONNECT for
https), and at most `MAX_RESPONSE_HEAD` and `MAX_RESPONSE_BODY` bytes of an answer are kept.
No redirects, cookies or compression, which the Bot Connector calls never need.
aiohttp's client spent about 445,000 instructions on each reply the bot posted, a ninth of
a turn; this one spends about 155,000.
"""

import asyncio
import base64
import ssl
from dataclasses import dataclass
from urllib.parse import unquote
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]  # not in typeshed

import httptools
from yarl import URL

DEFAULT_PORTS = {"http": 80, "https": 443}
# A Bot Connector answer is a resource id ({"id": "..."}) or a short error; a gateway's error
# page is a few KiB. Reading more only costs memory and time: the request has been taken.
MAX_RESPONSE_HEAD = 64 * 1024
MAX_RESPONSE_BODY = 64 * 1024
# aiohttp's keep-alive default: well under the 4 minutes after which Azure's load balancers
# forget an idle connection without telling either end.
IDLE_TIMEOUT = 15.0
# Origins whose proxy (or none) is remembered.
MAX_ROUTES = 1024

Origin = tuple[str, str, int]  # scheme, host, port


class ProtocolError(Exception):
    """The server's answer was not HTTP, or it closed the connection before answering."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    retry_after: str | None = None  # the Retry-After header, the one header kept
    body_dropped: bool = False  # the body was over MAX_RESPONSE_BODY, and not read


@dataclass(frozen=True)
class Proxies:
    """The proxies to use, as curl, requests and aiohttp's `trust_env` read them from
    HTTP_PROXY, HTTPS_PROXY and NO_PROXY: `http` for http URLs (the request goes to the proxy
    whole), `https` for https URLs (through a CONNECT tunnel), none for the hosts `no_proxy`
    names (host names and domain suffixes, comma-separated, or `*`)."""

    http: URL | None = None
    https: URL | None = None
    no_proxy: str = ""

    @classmethod
    def of(cls, http: str = "", https: str = "", no_proxy: str = "") -> "Proxies":
        return cls(URL(http) if http else None, URL(https) if https else None, no_proxy)

    def for_url(self, url: URL) -> URL | None:
        proxy = self.https if url.scheme == "https" else self.http
        if proxy is None or proxy_bypass_environment(url.host or "", {"no": self.no_proxy}):
            return None
        return proxy


class HttpClient:
    """Requests with bodies of bytes; at most `limit_per_host` connections to each origin,
    each closed once it has been idle `idle_timeout` seconds."""

    def __init__(
        self,
        *,
        limit_per_host: int = 100,
        ssl_context: ssl.SSLContext | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
        proxies: Proxies | None = None,
    ):
        self._limit_per_host = limit_per_host
        self._ssl_context = ssl_context
        self._idle_timeout = idle_timeout
        self._proxies = proxies or Proxies()
        # The proxy of each origin, if any: the latest MAX_ROUTES origins (a client can name
        # any number of serviceUrls when authentication is off).
        self._routes: dict[Origin, URL | None] = {}
        # Each origin's slots, kept only while a request holds or waits for one.
        self._slots: dict[Origin, _Slots] = {}
        # Each origin's idle connections, the longest idle first.
        self._idle: dict[Origin, list[_Connection]] = {}
        self._sweep: asyncio.TimerHandle | None = None
        self._closed = False

    async def request(
        self, method: str, url: URL, headers: dict[str, str], body: bytes = b""
    ) -> Response:
        """Send the request and read the response. Cancelling it closes its connection."""
        if self._closed:
            raise RuntimeError("HttpClient is closed")
        if url.scheme not in DEFAULT_PORTS or not url.host:
            raise ValueError(f"not an http(s) URL: {url}")
        origin = (url.scheme, url.host, url.port or DEFAULT_PORTS[url.scheme])
        proxy = self._route(origin, url)
        message = _request_message(method, url, headers, body, proxy)
        slots = self._slots.setdefault(origin, _Slots(asyncio.Semaphore(self._limit_per_host)))
        slots.users += 1
        try:
            async with slots.semaphore:
                return await self._send(origin, proxy, message)
        finally:
            slots.users -= 1
            if not slots.users:
                del self._slots[origin]

    def _route(self, origin: Origin, url: URL) -> URL | None:
        if origin not in self._routes:
            self._routes[origin] = self._proxies.for_url(url)
            if len(self._routes) > MAX_ROUTES:
                del self._routes[next(iter(self._routes))]  # the oldest
        return self._routes[origin]

    async def _send(self, origin: Origin, proxy: URL | None, message: bytes) -> Response:
        """Send on an idle connection to `origin`, or a new one."""
        connection = self._idle_connection(origin)
        if connection is not None:
            try:
                return await self._exchange(origin, connection, message)
            except ProtocolError:
                if connection.received:
                    raise
            # The connection was closed or reset before any byte of the answer came:
            # most often the server (or a load balancer) closed it while it was idle,
            # and our request crossed the close unread; so it is sent once more, on a
            # new connection. This can post a reply twice in one case: the server took
            # the whole request and acted on it, then the connection died before the
            # first byte of its answer. The Bot Connector has no idempotency key for a
            # bot's activities (it gives each post a new id), so the user would then
            # see that message twice: the lesser harm than losing it, when the user
            # would wait for an answer that never comes. A connection that stays silent
            # is not sent on again: the caller's deadline ends it.
        connection = await self._connect(origin, proxy)
        return await self._exchange(origin, connection, message)

    async def close(self) -> None:
        self._closed = True
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def _exchange(
        self, origin: Origin, connection: "_Connection", message: bytes
    ) -> Response:
        try:
            response = await connection.exchange(message)
        except BaseException:
            connection.close()
            raise
        if connection.reusable and not self._closed:
            connection.idle_since = asyncio.get_running_loop().time()
            self._idle.setdefault(origin, []).append(connection)
            if self._sweep is None:
                self._schedule_sweep(connection.idle_since)
        else:
            connection.close()
        return response

    def _idle_connection(self, origin: Origin) -> "_Connection | None":
        idle = self._idle.get(origin)
        if not idle:
            return None
        if asyncio.get_running_loop().time() - idle[-1].idle_since >= self._idle_timeout:
            # The most recently used is too old, so all are (the sweep has not run yet).
            for connection in idle:
                connection.close()
            idle.clear()
            return None
        while idle:
            connection = idle.pop()
            if connection.reusable:
                return connection
        return None

    def _schedule_sweep(self, oldest_idle_since: float) -> None:
        loop = asyncio.get_running_loop()
        self._sweep = loop.call_at(oldest_idle_since + self._idle_timeout, self._close_idle)

    def _close_idle(self) -> None:
        """Close the connections idle `idle_timeout` or longer; come back for the rest."""
        self._sweep = None
        expiry = asyncio.get_running_loop().time() - self._idle_timeout
        oldest: float | None = None
        for idle in self._idle.values():
            expired = 0
            while expired < len(idle) and idle[expired].idle_since <= expiry:
                idle[expired].close()
                expired += 1
            del idle[:expired]
            if idle and (oldest is None or idle[0].idle_since < oldest):
                oldest = idle[0].idle_since
        for origin in [origin for origin, idle in self._idle.items() if not idle]:
            del self._idle[origin]
        if oldest is not None:
            self._schedule_sweep(oldest)

    async def _connect(self, origin: Origin, proxy: URL | None) -> "_Connection":
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            tls = self._ssl_context or ssl.create_default_context()
        loop = asyncio.get_running_loop()
        if proxy is None:
            _, connection = await loop.create_connection(
                _Connection, host, port, ssl=tls, server_hostname=host if tls else None
            )
            return connection
        assert proxy.host is not None, "config.py lets no proxy URL without a host through"
        proxy_port = proxy.port or DEFAULT_PORTS["http"]
        if tls is None:
            _, connection = await loop.create_connection(_Connection, proxy.host, proxy_port)
            return connection
        transport, tunnel = await loop.create_connection(_Tunnel, proxy.host, proxy_port)
        try:
            await tunnel.open(_connect_message(host, port, proxy))
            connection = _Connection()
            tls_transport = await loop.start_tls(transport, connection, tls, server_hostname=host)
        except BaseException:
            transport.close()
            raise
        # start_tls is typed `Transport | None`, but returns a transport or raises.
        connection.connection_made(tls_transport)  # type: ignore[arg-type]
        return connection


@dataclass
class _Slots:
    """An origin's connection slots, and how many requests hold or wait for one."""

    semaphore: asyncio.Semaphore
    users: int = 0


def _request_message(
    method: str, url: URL, headers: dict[str, str], body: bytes, proxy: URL | None
) -> bytes:
    # Through a proxy, plain http names the whole URL; https is tunnelled, and looks direct.
    target = url.raw_path_qs
    extra = []
    if proxy is not None and url.scheme == "http":
        target = f"http://{url.host_port_subcomponent}{url.raw_path_qs}"
        extra = _proxy_authorization(proxy)
    lines = [f"{method} {target} HTTP/1.1", f"Host: {url.host_port_subcomponent}", *extra]
    for name, value in headers.items():
        # Header values here carry ids from the channel: a line break would start a new header.
        if any(character in name + value for character in "\r\n\0"):
            raise ValueError(f"line break or NUL in header {name!r}")
        lines.append(f"{name}: {value}")
    lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + body


def _connect_message(host: str, port: int, proxy: URL) -> bytes:
    authority = f"{URL.build(host=host).host_subcomponent}:{port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}", *_proxy_authorization(proxy)]
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n"


def _proxy_authorization(proxy: URL) -> list[str]:
    """The proxy's user and password, as aiohttp sends those of a proxy URL (Basic)."""
    if proxy.raw_user is None:
        return []
    credentials = f"{unquote(proxy.raw_user)}:{unquote(proxy.raw_password or '')}"
    return [f"Proxy-Authorization: Basic {base64.b64encode(credentials.encode()).decode()}"]


class _Tunnel(asyncio.Protocol):
    """A connection to a proxy until it has answered CONNECT; then TLS runs over it."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._head = bytearray()
        self._answer: asyncio.Future[None] | None = None

    async def open(self, message: bytes) -> None:
        assert self._transport is not None
        self._answer = asyncio.get_running_loop().create_future()
        self._transport.write(message)
        await self._answer

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]  # a stream's is a Transport

    def data_received(self, data: bytes) -> None:
        # The proxy says nothing after its answer until TLS starts, so no byte is lost here.
        self._head += data
        if b"\r\n\r\n" in self._head:
            status_line = bytes(self._head).split(b"\r\n", 1)[0].split()
            status = status_line[1].decode("latin-1") if len(status_line) > 1 else "?"
            if status.startswith("2"):
                self._settle(None)
            else:
                self._settle(ProtocolError(f"the proxy refused the tunnel: HTTP {status}"))
        elif len(self._head) > MAX_RESPONSE_HEAD:
            self._settle(ProtocolError(f"the proxy's answer is over {MAX_RESPONSE_HEAD} bytes"))

    def connection_lost(self, exc: Exception | None) -> None:
        self._settle(ProtocolError("the proxy closed the connection"))

    def _settle(self, error: Exception | None) -> None:
        if self._answer is None or self._answer.done():
            return
        if error is None:
            self._answer.set_result(None)
        else:
            self._answer.set_exception(error)


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
        self._head_size = 0  # bytes of the head's fields so far
        self._head_over = False
        self._delimited = False  # the body's end is given by Content-Length or chunks
        self._keep_alive = False
        self._lost = False
        self.received = 0  # bytes of the current response received so far
        self.idle_since = 0.0  # loop time of its last response, while it waits in the pool

    @property
    def reusable(self) -> bool:
        return not self._lost and self._keep_alive and self._response is None

    async def exchange(self, message: bytes) -> Response:
        if self._transport is None or self._lost:
            raise ProtocolError("connection closed")
        self._response = asyncio.get_running_loop().create_future()
        self._headers_done = self._delimited = self._keep_alive = self._head_over = False
        self._head_size = 0
        self._retry_after = None
        self._body.clear()
        self.received = 0
        self._transport.write(message)
        return await self._response

    def close(self) -> None:
        self._lost = True
        if self._transport is not None:
            self._transport.close()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]  # a stream's is a Transport

    def data_received(self, data: bytes) -> None:
        if self._response is None:
            self.close()  # nothing was asked: whatever this is, the connection is unusable
            return
        self.received += len(data)
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(ProtocolError(f"unreadable response: {error}"))
            self.close()
            return
        # Checked once what arrived is read (a head and a long body in one read are no long
        # head): a head over the bound that ended (on_headers_complete), or has not yet.
        if self._head_over or (not self._headers_done and self.received > MAX_RESPONSE_HEAD):
            self._fail(ProtocolError(f"response head over {MAX_RESPONSE_HEAD} bytes"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        if self._headers_done and not self._delimited:
            self.on_message_complete()  # a body that ends with the connection
        else:
            self._fail(ProtocolError("server closed the connection"))

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_size += len(name) + len(value) + 4
        name = name.lower()
        if name in (b"content-length", b"transfer-encoding"):
            self._delimited = True
        elif name == b"retry-after":
            self._retry_after = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        if self._interim:
            return  # `100 Continue`, `103 Early Hints`: the answer is still to come
        self._headers_done = True
        if self._head_size > MAX_RESPONSE_HEAD:
            self._head_over = True
            self._fail(ProtocolError(f"response head over {MAX_RESPONSE_HEAD} bytes"))
        self._keep_alive = self._parser.should_keep_alive()
        if self._status in (204, 304):
            self._delimited = True

    def on_body(self, body: bytes) -> None:
        if self._response is None:
            return  # the rest of a body that was too long
        if len(self._body) + len(body) <= MAX_RESPONSE_BODY:
            self._body += body
            return
        # The request was taken, and its status is known: answer with that, leave the body
        # unread, and close the connection, which is still in the middle of it.
        self.close()
        response, self._response = self._response, None
        if not response.done():
            response.set_result(Response(self._status, b"", self._retry_after, body_dropped=True))

    @property
    def _interim(self) -> bool:
        return 100 <= self._status < 200

    def on_message_complete(self) -> None:
        if self._interim:
            self._status, self._retry_after, self._delimited = 0, None, False
            self._head_size = 0
            return
        response, self._response = self._response, None
        if response is not None and not response.done():
            response.set_result(Response(self._status, bytes(self._body), self._retry_after))

    def _fail(self, error: Exception) -> None:
        response, self._response = self._response, None
        if response is not None and not response.done():
            response.set_exception(error)
