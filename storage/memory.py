"""State kept in this process, as the JSON text a real store keeps."""

import itertools
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from storage.errors import StateConflict

ONE_DAY = 24 * 3600.0


def to_text(item: dict[str, Any]) -> str:
    """An item as a store keeps it: its JSON text, without its e-tag (kept beside it). Only
    plain JSON is stored: anything else (an object, NaN) raises TypeError or ValueError."""
    record = {key: value for key, value in item.items() if key != "e_tag"}
    return json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class MemoryStorage:
    """Items kept as JSON text, each with an e-tag that changes with every write, as Blob or
    Cosmos DB keep them; items idle for longer than `idle_timeout` seconds are dropped.

    A read hands out a new copy of each item found, with its `e_tag`. A write fails with
    StateConflict when the item carries an older e-tag (other than `*`), or none while the
    item exists: someone else wrote it since this turn read it. A write gives the writer's
    item its new e-tag. Only plain JSON is stored, so what works here works with the others.
    """

    def __init__(
        self,
        *,
        idle_timeout: float = ONE_DAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Least recently used first, so the idle ones are found at the front.
        self._items: OrderedDict[str, tuple[str, str, float]] = OrderedDict()
        self._e_tags = itertools.count(1)
        self._idle_timeout = idle_timeout
        self._clock = clock

    async def read(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        now = self._drop_idle()
        items = {}
        for key in keys:
            if key in self._items:
                e_tag, text, _ = self._items[key]
                self._items[key] = (e_tag, text, now)
                self._items.move_to_end(key)
                items[key] = {**json.loads(text), "e_tag": e_tag}
        return items

    async def write(self, changes: dict[str, dict[str, Any]]) -> None:
        for key, item in changes.items():
            text = to_text(item)
            now = self._drop_idle()
            e_tag = item.get("e_tag")
            if e_tag == "":
                raise ValueError("MemoryStorage.write(): etag missing")
            if e_tag != "*" and key in self._items and self._items[key][0] != e_tag:
                raise StateConflict(f"{key} has changed since it was read")
            new_e_tag = str(next(self._e_tags))
            self._items[key] = (new_e_tag, text, now)
            self._items.move_to_end(key)
            # The writer now holds the newest version: a second save in the same turn is no
            # conflict.
            item["e_tag"] = new_e_tag

    async def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._items.pop(key, None)

    def stored_keys(self) -> list[str]:
        """The keys of the items kept, for measurements and tests."""
        return list(self._items)

    def stored_bytes(self, key: str) -> int:
        """The size of one item as kept (UTF-8), for measurements."""
        return len(self._items[key][1].encode())

    def _drop_idle(self) -> float:
        now = self._clock()
        while self._items:
            key, (_, _, used) = next(iter(self._items.items()))
            if now - used <= self._idle_timeout:
                break
            del self._items[key]
        return now
