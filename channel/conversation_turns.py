"""One turn at a time per conversation, in arrival order, and each activity only once."""

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ConversationTurns:
    """Serializes the turns of each conversation and recognizes re-delivered activities.

    Two turns of one conversation interleaved would both read the same dialog state (two
    "yes" sent together booked twice); turns of different conversations still overlap.
    A channel that got no answer in time sends the same activity again; within
    `remember_for` seconds it is recognized by its id and not processed twice.
    """

    def __init__(self, *, remember_for: float = 300.0, max_remembered: int = 100_000) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._remember_for = remember_for
        self._max_remembered = max_remembered

    @asynccontextmanager
    async def turn(self, conversation: str) -> AsyncIterator[None]:
        """Wait for the conversation's earlier turns (asyncio locks are first come, first served)."""
        lock, users = self._locks.get(conversation) or (asyncio.Lock(), 0)
        self._locks[conversation] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation]
            if users == 1:
                del self._locks[conversation]
            else:
                self._locks[conversation] = (lock, users - 1)

    def is_repeat(self, conversation: str, activity_id: str | None) -> bool:
        """Whether this activity was seen recently; remembers it if not."""
        if not activity_id:
            return False
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values())) < now:
            self._seen.popitem(last=False)
        key = (conversation, activity_id)
        if key in self._seen:
            return True
        self._seen[key] = now + self._remember_for
        if len(self._seen) > self._max_remembered:
            self._seen.popitem(last=False)
        return False

    @property
    def busy(self) -> int:
        """Conversations with a turn running or waiting."""
        return len(self._locks)
