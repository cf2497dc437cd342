"""One turn at a time per conversation, in arrival order, and each activity only once."""

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sdk import TurnContext
from storage.bot_state import BotState

REDELIVERED = "corebot.redelivered"  # turn_state: the stored state knows the activity's id


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


class RecentActivities:
    """The ids of the latest activities a conversation answered, kept in its stored state.

    With a store that instances share (blob, Cosmos DB), the channel's retry of an activity
    may reach another instance, or this one after a restart, where ConversationTurns never saw
    it. The ids are saved with the turn's state, under the same e-tag: when two instances run
    the same activity at once, the one that saves second loses the race, runs the turn again
    on the saved state, and finds the id there.

    Only activities that were answered are remembered: running again a turn that said nothing
    changes nothing, and remembering it would cost a write. The ids are kept as short digests,
    whatever their length.
    """

    def __init__(self, conversation_state: BotState, *, keep: int = 10) -> None:
        self._ids = conversation_state.create_property("RecentActivities")
        self._keep = keep

    async def is_repeat(self, turn_context: TurnContext) -> bool:
        """Whether the conversation answered this activity before; if so, the turn is marked
        REDELIVERED."""
        activity_id = turn_context.activity.id
        if not activity_id or _digest(activity_id) not in (await self._ids.get(turn_context) or []):
            return False
        turn_context.turn_state[REDELIVERED] = True
        return True

    async def remember(self, turn_context: TurnContext) -> None:
        """Add the activity to the conversation's state, to be saved with the turn."""
        activity_id = turn_context.activity.id
        if activity_id:
            ids = await self._ids.get(turn_context) or []
            await self._ids.set(turn_context, [*ids, _digest(activity_id)][-self._keep :])


def _digest(activity_id: str) -> str:
    return hashlib.blake2b(activity_id.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
