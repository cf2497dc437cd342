"""The last few results of a costly reading, by what was read: people answer with the same
few words (`yes`, `Paris`, `tomorrow`) over and over."""

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """Up to `size` values by key; the least recently used goes first. Size 0 keeps none.
    Use from one thread only."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()

    def resize(self, size: int) -> None:
        self._size = size
        while len(self._values) > size:
            self._values.popitem(last=False)

    def get(self, key: K) -> V | None:
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        if self._size:
            self._values[key] = value
            self._values.move_to_end(key)
            if len(self._values) > self._size:
                self._values.popitem(last=False)
