"""Serving over HTTP: what every request must meet before a handler sees it, and the bound on
open connections `python app.py` listens with.

A client that sends its headers and then its body slowly, or never, held its connection (and
a file descriptor) for as long as it liked; thousands of them kept the bot at its open-files
limit, where it could neither accept a connection nor open one to the channel. Now a body has
`BODY_TIMEOUT` seconds to arrive, and the connections are bounded below that limit: at the
bound, the oldest connection that is not being answered makes room for the new one.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, cast

from aiohttp import hdrs, web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.typedefs import Handler, Middleware

from channel.requests import InvalidRequest, refused

logger = logging.getLogger(__name__)

# Each header may be this long (aiohttp's default is 8 KiB): a bearer token of any length up
# to it is read, and refused as a token (401) rather than as an unreadable request.
MAX_HEADER_FIELD_BYTES = 128 * 1024
# Files the process keeps for itself beyond the connections it accepts: the connections to
# the channel (up to 100 per host), to the store and the language service, and its own.
FILES_KEPT_FREE = 200
REPORT_EVERY = 60.0  # seconds between warnings that the connection bound is reached

_REFUSAL_BODY = b'{"error": "too many connections"}'
REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: application/json\r\n"
    b"Retry-After: 1\r\n"
    b"Connection: close\r\n"
    b"Content-Length: " + str(len(_REFUSAL_BODY)).encode() + b"\r\n\r\n" + _REFUSAL_BODY
)


class ConnectionLimit:
    """At most `limit` open connections.

    A connection whose request is being answered is safe. When a new connection would pass
    the bound, the oldest of the others (still sending its request, or idle between requests)
    is closed to make room; when every connection is being answered, the new one gets `503`
    and is closed. So clients that hold connections without finishing a request cannot keep
    the others out.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[asyncio.BaseProtocol, asyncio.BaseTransport] = {}  # oldest first
        self._answering: set[asyncio.BaseProtocol] = set()
        self._reported = -REPORT_EVERY

    def protocol_factory(
        self, factory: Callable[[], asyncio.Protocol]
    ) -> Callable[[], asyncio.Protocol]:
        """`factory` (aiohttp's server), with each connection it serves counted."""
        return lambda: _Counted(self, factory())

    def answering(self, protocol: asyncio.BaseProtocol) -> None:
        """The connection of `protocol` is being answered: it is not closed to make room."""
        self._answering.add(protocol)

    def answered(self, protocol: asyncio.BaseProtocol) -> None:
        self._answering.discard(protocol)

    def admit(self, protocol: asyncio.BaseProtocol, transport: asyncio.BaseTransport) -> bool:
        """Count a new connection, closing another to make room if need be; False: refused."""
        if len(self._open) >= self.limit:
            self._report()
            if not self._close_oldest_unanswered():
                return False
        self._open[protocol] = transport
        return True

    def forget(self, protocol: asyncio.BaseProtocol) -> None:
        self._open.pop(protocol, None)
        self._answering.discard(protocol)

    def _close_oldest_unanswered(self) -> bool:
        for protocol, transport in self._open.items():
            if protocol not in self._answering:
                del self._open[protocol]
                transport.close()
                return True
        return False

    def _report(self) -> None:
        now = time.monotonic()
        if now - self._reported >= REPORT_EVERY:
            self._reported = now
            logger.warning(
                "%d connections are open, the most allowed: the oldest ones not being "
                "answered are closed to make room, and new ones refused while all are",
                self.limit,
            )


class _Counted(asyncio.Protocol):
    """aiohttp's protocol for one connection, counted by a ConnectionLimit."""

    def __init__(self, limit: ConnectionLimit, inner: asyncio.Protocol) -> None:
        self._limit = limit
        self._inner = inner
        self._admitted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._admitted = self._limit.admit(self._inner, transport)
        if not self._admitted:
            # uvloop's transports are not registered as asyncio.Transport: no isinstance.
            cast(asyncio.Transport, transport).write(REFUSAL)
            transport.close()
            return
        self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._admitted:
            self._limit.forget(self._inner)
            self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._admitted:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._admitted else None

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()


class ShutdownClock:
    """When the service must be gone: `timeout` seconds after it was told to stop (SIGTERM),
    turns in flight and the cleanups (telemetry's last export) included."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._deadline: float | None = None

    def begin(self) -> None:
        self._deadline = time.monotonic() + self.timeout

    def remaining(self) -> float:
        """Seconds left; the whole timeout when no stop has begun (a test's cleanup)."""
        if self._deadline is None:
            return self.timeout
        return max(0.0, self._deadline - time.monotonic())


SHUTDOWN = web.AppKey("shutdown", ShutdownClock)


def allowed_connections(wanted: int) -> int:
    """`wanted`, or fewer when the process may not open that many files, after raising its
    open-files limit as far as it may. Not on Windows, which has no such limit."""
    try:
        import resource
    except ImportError:
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    allowed = max(1, min(wanted, soft - FILES_KEPT_FREE))
    if allowed < wanted:
        logger.warning(
            "MAX_CONNECTIONS is %d, but the process may open only %d files: at most %d "
            "connections are accepted",
            wanted,
            soft,
            allowed,
        )
    return allowed


class LimitedAppRunner(web.AppRunner):
    """aiohttp's AppRunner, whose sites accept connections through `limit`."""

    def __init__(self, app: web.Application, limit: ConnectionLimit, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._limit = limit

    # Not a Server, but all the sites ask of it: the protocol factory they listen with.
    @property
    def server(self) -> Callable[[], asyncio.Protocol] | None:  # type: ignore[override]
        server = super().server
        return None if server is None else self._limit.protocol_factory(server)


class ServerLog(logging.LoggerAdapter):
    """aiohttp's server log, in which a request it cannot parse (a header over the limit,
    broken chunks) is one INFO line instead of an ERROR with a traceback: a client can send
    thousands, and writing their tracebacks kept a bot busy for seconds."""

    def __init__(self) -> None:
        super().__init__(logging.getLogger("aiohttp.server"), {})

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            self.info("Refused a request that could not be read (%s)", type(exc_info).__name__)
        else:
            super().exception(msg, *args, exc_info=exc_info, **kwargs)


class AccessLog(AbstractAccessLogger):
    """One line per request, `127.0.0.1 "POST /api/messages HTTP/1.1" 201 0 "-" "Emulator" 1.2 ms`:
    aiohttp's fields (client, request, status, body bytes, referrer, user agent) and the time
    taken. aiohttp's own logger took about 25 µs a line, mostly for a timestamp of its own,
    which the log's format already gives. The line's form is fixed: `log_format` is not read."""

    def __init__(self, logger: logging.Logger, log_format: str = "") -> None:
        super().__init__(logger, log_format)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        version = request.version
        headers = request.headers
        self.logger.info(
            '%s "%s %s HTTP/%d.%d" %d %d "%s" "%s" %.1f ms',
            request.remote or "-",
            request.method,
            request.path_qs,
            version.major,
            version.minor,
            response.status,
            response.body_length,
            headers.get(hdrs.REFERER, "-"),
            headers.get(hdrs.USER_AGENT, "-"),
            1000 * time,
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


def request_checks(body_timeout: float, connections: ConnectionLimit) -> Middleware:
    """Before any handler: at most one Authorization header, and the whole body read within
    `body_timeout` seconds (handlers then read it at no cost)."""

    @web.middleware
    async def checks(request: web.Request, handler: Handler) -> web.StreamResponse:
        if len(request.headers.getall(hdrs.AUTHORIZATION, ())) > 1:
            return refused(
                InvalidRequest(HTTPStatus.BAD_REQUEST, "more than one Authorization header")
            )
        if request.body_exists:
            try:
                await _read_body(request, body_timeout)
            except TimeoutError:
                return await _answer_and_close(
                    request,
                    InvalidRequest(
                        HTTPStatus.REQUEST_TIMEOUT,
                        f"the body did not arrive within {body_timeout:g} s",
                    ),
                )
            except web.HTTPRequestEntityTooLarge:
                return refused(
                    InvalidRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the body is too large")
                )
            except (ConnectionError, HttpProcessingError):
                # The client went away, or broke its chunked encoding, before the body ended.
                return refused(InvalidRequest(HTTPStatus.BAD_REQUEST, "the body was cut short"))
        connections.answering(request.protocol)
        try:
            return await handler(request)
        finally:
            connections.answered(request.protocol)

    return checks


async def _read_body(request: web.Request, within: float) -> None:
    if request.content.is_eof():
        await request.read()  # all of it has arrived: no deadline, and no timer, to set
        return
    if request.transport is None:
        # Closed (to make room) before this handler ran; aiohttp would raise RuntimeError.
        raise ConnectionResetError("the connection was closed")
    async with asyncio.timeout(within):
        await request.read()


async def _answer_and_close(request: web.Request, error: InvalidRequest) -> web.StreamResponse:
    """Send the refusal and close the connection, without reading the rest of the body (as
    aiohttp otherwise does, for up to 10 s, before it closes)."""
    response = refused(error)
    response.force_close()
    await response.prepare(request)
    await response.write_eof()
    request.protocol.force_close()
    return response
