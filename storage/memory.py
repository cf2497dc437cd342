"""State kept in this process, stored as copies the way a real store keeps them."""

import itertools
import pickle
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from botbuilder.core import Storage

from storage.errors import StateConflict
from storage.items import e_tag_of, with_e_tag

ONE_DAY = 24 * 3600.0


def pickled(item: Any) -> bytes:
    """The item as stored: pickled, without its e-tag (which is kept beside it), so equal
    contents pickle equal whatever their e-tags."""
    if isinstance(item, dict) and "e_tag" in item:
        item = {key: value for key, value in item.items() if key != "e_tag"}
    return pickle.dumps(item, pickle.HIGHEST_PROTOCOL)


class MemoryStorage(Storage):
    """Like botbuilder's MemoryStorage, but each item is kept pickled, e-tags work as in Blob or
    Cosmos storage, and items idle for longer than `idle_timeout` seconds are dropped.

    Every write makes a new e-tag and a read hands it out with the item. A write fails with
    StateConflict when it carries an older e-tag (other than `*`), or none while the item
    exists: someone else wrote it since this turn read it. A write gives the writer's item its
    new e-tag.

    The SDK's version hands out the stored objects themselves, so a turn edits the store before
    it saves, and it deep-copies every write twice. Pickling copies both ways, in C.
    """

    def __init__(
        self,
        *,
        idle_timeout: float = ONE_DAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Least recently used first, so the idle ones are found at the front.
        self._items: OrderedDict[str, tuple[str, bytes, float]] = OrderedDict()
        self._e_tags = itertools.count(1)
        self._idle_timeout = idle_timeout
        self._clock = clock

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return {key: item for key, (item, _) in self.read_pickled(keys).items()}

    def read_pickled(self, keys: list[str]) -> dict[str, tuple[Any, bytes]]:
        """Each item found, with its pickle as stored (that of `without_e_tag(item)`)."""
        now = self._drop_idle()
        items = {}
        for key in keys:
            if key in self._items:
                e_tag, data, _ = self._items[key]
                self._items[key] = (e_tag, data, now)
                self._items.move_to_end(key)
                items[key] = (with_e_tag(pickle.loads(data), e_tag), data)
        return items

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise TypeError("MemoryStorage.write(): changes are required")
        for key, item in changes.items():
            self.write_pickled(key, item, pickled(item))

    def write_pickled(self, key: str, item: Any, data: bytes) -> None:
        """Write `item`, whose `pickled()` form the caller has already made."""
        now = self._drop_idle()
        e_tag = e_tag_of(item)
        if e_tag == "":
            raise ValueError("MemoryStorage.write(): etag missing")
        if e_tag != "*" and key in self._items and self._items[key][0] != e_tag:
            raise StateConflict(f"{key} has changed since it was read")
        new_e_tag = str(next(self._e_tags))
        self._items[key] = (new_e_tag, data, now)
        self._items.move_to_end(key)
        # The writer now holds the newest version: a second save in the same turn is no
        # conflict.
        with_e_tag(item, new_e_tag)

    async def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._items.pop(key, None)

    def stored_bytes(self, key: str) -> int:
        """The size of one item as kept, for measurements."""
        return len(self._items[key][1])

    def _drop_idle(self) -> float:
        now = self._clock()
        while self._items:
            key, (_, _, used) = next(iter(self._items.items()))
            if now - used <= self._idle_timeout:
                break
            del self._items[key]
        return now
