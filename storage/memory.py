"""State kept in this process, stored as copies the way a real store keeps them."""

import itertools
import pickle
from typing import Any

from botbuilder.core import Storage


class MemoryStorage(Storage):
    """Like botbuilder's MemoryStorage, but each item is kept pickled, and e-tags work as in
    Blob or Cosmos storage: every write makes a new e-tag, a read hands it out with the item,
    and a write carrying an older one (other than `*`) fails with KeyError. A write gives the
    writer's item its new e-tag.

    The SDK's version hands out the stored objects themselves, so a turn edits the store before
    it saves, and it deep-copies every write twice. Pickling copies both ways, in C.
    """

    def __init__(self) -> None:
        self._items: dict[str, tuple[str, bytes]] = {}
        self._e_tags = itertools.count(1)

    async def read(self, keys: list[str]) -> dict[str, Any]:
        items = {}
        for key in keys:
            if key in self._items:
                e_tag, data = self._items[key]
                items[key] = _with_e_tag(pickle.loads(data), e_tag)
        return items

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise TypeError("MemoryStorage.write(): changes are required")
        for key, item in changes.items():
            e_tag = item.get("e_tag") if isinstance(item, dict) else getattr(item, "e_tag", None)
            if e_tag == "":
                raise ValueError("MemoryStorage.write(): etag missing")
            if e_tag not in (None, "*") and key in self._items and self._items[key][0] != e_tag:
                raise KeyError(f"Etag conflict: {key} has changed since it was read")
            new_e_tag = str(next(self._e_tags))
            self._items[key] = (new_e_tag, pickle.dumps(item, pickle.HIGHEST_PROTOCOL))
            # The writer now holds the newest version: a second save in the same turn is no
            # conflict.
            _with_e_tag(item, new_e_tag)

    async def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._items.pop(key, None)

    def stored_bytes(self, key: str) -> int:
        """The size of one item as kept, for measurements."""
        return len(self._items[key][1])


def _with_e_tag(item: Any, e_tag: str) -> Any:
    if isinstance(item, dict):
        item["e_tag"] = e_tag
    elif hasattr(item, "e_tag"):
        item.e_tag = e_tag
    return item
