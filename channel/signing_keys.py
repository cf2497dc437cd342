"""The keys that sign Bot Framework tokens, fetched without blocking the event loop.

botframework-connector reads the OpenID metadata and its key set with a synchronous
`requests.get` that has no timeout, so while login.botframework.com is slow or unreachable
the whole service stops. `OpenIdMetadata` does the same job with aiohttp, one deadline,
one fetch shared by concurrent callers, and a pause after a failure; each build's token
check reads its keys through it (sdk/<build>/adapter.py).
"""

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import ClientError, ClientSession
from jwt.algorithms import RSAAlgorithm

KEYS_LIFETIME = 24 * 3600  # seconds; refresh keys this old before using them
UNKNOWN_KEY_REFRESH = 3600  # seconds; an unknown key id refreshes keys at most this often
logger = logging.getLogger(__name__)


class SigningKeysUnavailable(Exception):
    """The signing keys could not be fetched and none are cached."""


class UnknownSigningKey(PermissionError):
    """The token names a key id that is not among the signing keys."""


@dataclass(frozen=True)
class SigningKey:
    public_key: Any
    endorsements: list[str]


class OpenIdMetadata:
    """The signing keys published at one OpenID metadata URL; what the SDK's extractor reads."""

    def __init__(self, url: str, *, timeout: float = 5.0, retry_after: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout
        self.retry_after = retry_after
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None  # time.monotonic() of the last success
        self._failed_at: float | None = None
        self._failure = ""
        self._refresh_task: asyncio.Future[None] | None = None

    async def get(self, key_id: str | None) -> SigningKey:
        """The key `key_id` names; the SDK passes None for a token without a `kid`."""
        if self._older_than(KEYS_LIFETIME):
            await self._refresh()
        key = self._keys.get(key_id) if key_id is not None else None
        if key is None and self._older_than(UNKNOWN_KEY_REFRESH):
            await self._refresh()
            key = self._keys.get(key_id) if key_id is not None else None
        if key is None:
            raise UnknownSigningKey(f"no signing key {key_id!r} at {self.url}")
        return key

    def _older_than(self, seconds: float) -> bool:
        return self._fetched_at is None or time.monotonic() - self._fetched_at > seconds

    async def _refresh(self) -> None:
        """Refresh the keys, joining a refresh already under way; fail if there are no keys."""
        failed_recently = (
            self._failed_at is not None and time.monotonic() - self._failed_at < self.retry_after
        )
        if not failed_recently:
            loop = asyncio.get_running_loop()
            task = self._refresh_task
            # A task of another (closed) event loop can never be awaited from this one.
            if task is None or task.done() or task.get_loop() is not loop:
                task = self._refresh_task = loop.create_task(self._fetch())
            # One caller being cancelled must not cancel the others' refresh.
            await asyncio.shield(task)
        if self._fetched_at is None:
            raise SigningKeysUnavailable(f"no signing keys from {self.url}: {self._failure}")

    async def _fetch(self) -> None:
        try:
            async with ClientSession(trust_env=True, raise_for_status=True) as session:
                async with asyncio.timeout(self.timeout):
                    metadata = await _get_json(session, self.url)
                    key_set = await _get_json(session, metadata["jwks_uri"])
            keys = {jwk["kid"]: _signing_key(jwk) for jwk in key_set["keys"]}
        except TimeoutError:
            self._fail(f"no answer within {self.timeout} s")
        except (ClientError, ValueError, KeyError, TypeError, jwt.PyJWTError) as error:
            self._fail(f"{type(error).__name__}: {error}")
        else:
            self._keys = keys
            self._fetched_at = time.monotonic()
            self._failed_at = None

    def _fail(self, reason: str) -> None:
        logger.warning("Could not refresh signing keys from %s: %s", self.url, reason)
        self._failed_at = time.monotonic()
        self._failure = reason


async def _get_json(session: ClientSession, url: str) -> Any:
    async with session.get(url) as response:
        return await response.json(content_type=None)


def _signing_key(jwk: dict[str, Any]) -> SigningKey:
    return SigningKey(RSAAlgorithm.from_jwk(json.dumps(jwk)), jwk.get("endorsements", []))
