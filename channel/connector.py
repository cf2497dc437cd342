"""The bot's calls to the Bot Connector REST API, over kept-alive connections.

botframework-connector's ConnectorClient makes blocking `requests` calls without a timeout in
the default thread pool, so one hanging serviceUrl can stall every conversation. This client
bounds each call, token included, by one deadline.
"""

import asyncio
import itertools
import json
import logging
import os
import socket
import ssl
from typing import Protocol
from urllib.parse import quote

from yarl import URL

from channel.http_client import IDLE_TIMEOUT, MAX_RESPONSE_BODY, HttpClient, ProtocolError, Proxies
from config import VERSION
from sdk import NAME, USER_AGENT_PRODUCT, Activity, ResourceResponse, activity_to_json

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """A Bot Connector call failed; the message is one line naming operation, host and reason."""

    def __init__(self, operation: str, host: str | None, reason: str) -> None:
        super().__init__(f"{operation} to {host} failed: {reason}")
        self.operation = operation
        self.host = host
        self.reason = reason


# What the bot says it is to the channel: itself and its build, then the SDK's own words for
# it, as the SDK's connector client says them.
USER_AGENT = f"corebot/{VERSION} ({NAME}) {USER_AGENT_PRODUCT}"


class ReplyAuth(Protocol):
    """What signs the bot's calls to the channel: the bot's token for it (each SDK gets it its
    own way: sdk/<build>/adapter.py)."""

    async def token(self) -> str | None: ...


class BotConnector:
    """Sends, updates and deletes the bot's activities in a channel's conversation."""

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        idle_timeout: float = IDLE_TIMEOUT,
        proxies: Proxies | None = None,
    ) -> None:
        self._timeout = timeout
        self._idle_timeout = idle_timeout
        self._proxies = proxies
        self._client: HttpClient | None = None

    async def open(self) -> None:
        if self._client is not None:
            raise RuntimeError("BotConnector is already open")
        # The per-host cap keeps one hanging channel from taking every connection; it is high
        # because most traffic goes to one host, and a low cap queues replies unfairly.
        self._client = HttpClient(
            limit_per_host=100, idle_timeout=self._idle_timeout, proxies=self._proxies
        )

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()

    async def send(self, activity: Activity, auth: ReplyAuth | None = None) -> ResourceResponse:
        conversation_id = activity.conversation.id
        if activity.reply_to_id:
            url = _activity_url(activity.service_url, conversation_id, activity.reply_to_id)
            # The SDK's reply_to_activity sends this header too.
            headers = {"x-ms-conversation-id": conversation_id}
            body = await self._call(
                "reply_to_activity", "POST", url, auth, activity_to_json(activity), headers
            )
        else:
            url = _activity_url(activity.service_url, conversation_id)
            body = await self._call(
                "send_to_conversation", "POST", url, auth, activity_to_json(activity)
            )
        return _resource_response(body)

    async def update(self, activity: Activity, auth: ReplyAuth | None = None) -> ResourceResponse:
        url = _activity_url(activity.service_url, activity.conversation.id, activity.id)
        body = await self._call("update_activity", "PUT", url, auth, activity_to_json(activity))
        return _resource_response(body)

    async def delete(
        self,
        service_url: str,
        conversation_id: str,
        activity_id: str,
        auth: ReplyAuth | None = None,
    ) -> None:
        url = _activity_url(service_url, conversation_id, activity_id)
        await self._call("delete_activity", "DELETE", url, auth)

    async def _call(
        self,
        operation: str,
        method: str,
        url: URL,
        auth: ReplyAuth | None,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        if self._client is None:
            raise RuntimeError("BotConnector.open() must be awaited before calling the channel")
        host = url.host_port_subcomponent
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
        data = b""
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
            data = json.dumps(body).encode()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        try:
            async with asyncio.timeout_at(deadline):
                if token := await self._token(operation, host, auth):
                    headers["Authorization"] = f"Bearer {token}"
                tried_again_unknowing = False
                for attempt in itertools.count():
                    # No redirects: the bearer token is for the Bot Connector alone.
                    response = await self._client.request(method, url, headers, data)
                    if response.status in MAYBE_TAKEN and not tried_again_unknowing:
                        tried_again_unknowing = True
                    elif response.status not in NOT_TAKEN:
                        break
                    pause = _pause(response.retry_after, attempt)
                    if loop.time() + pause >= deadline:
                        break  # the channel asks for more time than is left
                    await asyncio.sleep(pause)
        except TimeoutError as error:
            raise DeliveryFailed(operation, host, "timed out") from error
        except (OSError, ProtocolError, ValueError) as error:
            raise DeliveryFailed(operation, host, _describe(error)) from error
        if not 200 <= response.status < 300:
            raise DeliveryFailed(operation, host, f"HTTP {response.status}")
        if response.body_dropped:
            logger.warning(
                "%s to %s: HTTP %d with a body over %d bytes, not read",
                operation,
                host,
                response.status,
                MAX_RESPONSE_BODY,
            )
        return response.body

    async def _token(self, operation: str, host: str | None, auth: ReplyAuth | None) -> str | None:
        if auth is None:
            return None
        try:
            return await auth.token()
        except Exception as error:
            reason = f"no access token ({type(error).__name__})"
            raise DeliveryFailed(operation, host, reason) from error


# Answers that say the call was not acted on, and may be different a moment later (the Bot
# Connector throttles with 429 and a Retry-After): the call is made again while its deadline
# allows.
NOT_TAKEN = frozenset({408, 429, 503})
# Answers that leave it unknown whether the call was acted on (the server failed, or a
# gateway lost the answer): made again once at most, for a reply the user may then see
# twice is a lesser harm than one never sent.
MAYBE_TAKEN = frozenset({500, 502, 504})
FIRST_PAUSE = 0.1  # seconds before the second try, when the channel does not say; then doubled


def _pause(retry_after: str | None, attempt: int) -> float:
    """Seconds to wait before trying again: 0.1, 0.2, 0.4, ..., or longer when the channel's
    Retry-After (a number of seconds; a date is not read) asks for more."""
    pause = FIRST_PAUSE * 2**attempt
    if retry_after is not None and retry_after.strip().isdecimal():
        return max(pause, float(retry_after))
    return pause


def _activity_url(service_url: str, conversation_id: str, activity_id: str | None = None) -> URL:
    path = f"v3/conversations/{_segment(conversation_id)}/activities"
    if activity_id:
        path += f"/{_segment(activity_id)}"
    # encoded=True, or yarl turns %3A, %3B and %40 back into ':', ';' and '@' in the path,
    # where the SDK sends Teams and Emulator ids fully percent-encoded.
    return URL(f"{service_url.rstrip('/')}/{path}", encoded=True)


def _segment(identifier: str) -> str:
    """An id as one path segment. `.` and `..` are encoded too: as they are, a proxy or server
    on the way would read them as "this" and "the parent" segment."""
    if identifier in (".", ".."):
        return identifier.replace(".", "%2E")
    return quote(identifier, safe="")


def _resource_response(body: bytes) -> ResourceResponse:
    try:
        data = json.loads(body)
    except ValueError:
        return ResourceResponse()
    found = data.get("id") if isinstance(data, dict) else None
    return ResourceResponse(id=found) if isinstance(found, str) and found else ResourceResponse()


def _describe(error: Exception) -> str:
    if isinstance(error, socket.gaierror):
        return "host name not resolved"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or 'handshake'})"
    if isinstance(error, OSError) and error.errno and error.errno > 0:
        return os.strerror(error.errno).lower()  # e.g. "connection refused"
    if isinstance(error, ProtocolError | ValueError):
        return str(error)
    return type(error).__name__
