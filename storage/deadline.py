"""Calls to a store across the network, each within a deadline; how the latest one went is the
store's health, which `/healthz` reports."""

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError

from storage.errors import CorruptRecord, StateConflict, StorageUnreachable, first_line

logger = logging.getLogger(__name__)

T = TypeVar("T")

VOUCHES_FOR = 5.0  # seconds: a call that reached the store this recently answers /healthz


class StoreCalls:
    """Runs each call to one store within `timeout` seconds, the SDK's retries included, and
    remembers whether the latest call reached the store.

    A call that fails (connection refused or broken, an HTTP error, no answer in time) raises
    StorageUnreachable naming the store and the reason. A lost race (StateConflict) or an
    item that cannot be read (CorruptRecord) is an answer: the store is reachable. `probe` is
    a cheap call that asks the store whether it is there, for when no recent call tells.
    """

    def __init__(
        self,
        name: str,
        timeout: float,
        probe: Callable[[], Awaitable[object]],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.timeout = timeout
        self._probe = probe
        self._clock = clock
        self._failure: str | None = None
        self._reached_at = -math.inf
        self._probing: asyncio.Task[None] | None = None

    async def run(self, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self.timeout):
                result = await call
        except (StateConflict, CorruptRecord):
            self._reached()
            raise
        except TimeoutError as error:
            raise self._failed(f"no answer within {self.timeout:g} s", error) from error
        except ClientAuthenticationError as error:
            reason = f"HTTP {error.status_code}" if error.status_code else "no access token"
            raise self._failed(reason, error) from error
        except HttpResponseError as error:
            raise self._failed(f"HTTP {error.status_code}", error) from error
        except (AzureError, OSError) as error:
            raise self._failed("connection failed", error) from error
        self._reached()
        return result

    async def problem(self) -> str | None:
        """Why the store cannot be used, or None when it can. Unless the latest call reached
        the store less than VOUCHES_FOR seconds ago, the store is probed first (once for all
        who ask meanwhile): a store that is back is reported at once, whether turns ran or not."""
        if self._failure is not None or self._clock() - self._reached_at > VOUCHES_FOR:
            if self._probing is None:
                self._probing = asyncio.create_task(self._probe_once())
            # A health check that gives up must not cancel the probe the others wait for.
            await asyncio.shield(self._probing)
        return self._failure

    async def _probe_once(self) -> None:
        try:
            await self.run(self._probe())
        except StorageUnreachable:
            pass  # recorded
        finally:
            self._probing = None

    def _failed(self, reason: str, error: BaseException) -> StorageUnreachable:
        problem = f"{self.name}: {reason}"
        if self._failure is None:
            logger.warning("Storage unreachable: %s (%s)", problem, first_line(error))
        self._failure = problem
        return StorageUnreachable(problem)

    def _reached(self) -> None:
        if self._failure is not None:
            logger.info("Storage reachable again: %s", self.name)
        self._failure, self._reached_at = None, self._clock()
