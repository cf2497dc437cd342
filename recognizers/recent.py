"""The last few results of a costly reading, by what was read: people answer with the same
few words (`yes`, `Paris`, `tomorrow`) over and over."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any, Generic, ParamSpec, TypeVar, cast

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
P = ParamSpec("P")

# What one cache may hold, in the bytes its entries are estimated to take; an entry estimated
# over MAX_ENTRY_BYTES is not kept (a long message full of places: a result of 100 KB).
MAX_BYTES = 16 * 1024 * 1024
MAX_ENTRY_BYTES = 16 * 1024
# The longest word whose reading is remembered: no word of a language is longer.
MAX_REMEMBERED_WORD = 40


class Recent(Generic[K, V]):
    """Up to `size` values by key, within `max_bytes` of their estimated sizes; the least
    recently used goes first. Size 0 keeps none. Use from one thread only."""

    def __init__(
        self, size: int, *, max_bytes: int = MAX_BYTES, max_entry_bytes: int = MAX_ENTRY_BYTES
    ) -> None:
        self._size = size
        self._max_bytes = max_bytes
        self._max_entry_bytes = max_entry_bytes
        self._values: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.bytes = 0  # the estimated size of what is kept

    def resize(self, size: int) -> None:
        self._size = size
        self._shrink()

    def get(self, key: K) -> V | None:
        kept = self._values.get(key)
        if kept is None:
            return None
        self._values.move_to_end(key)
        return kept[0]

    def put(self, key: K, value: V, size: int) -> None:
        """Keep `value`, estimated at `size` bytes with its key, unless that is too big."""
        if not self._size or size > self._max_entry_bytes:
            return
        previous = self._values.pop(key, None)
        if previous is not None:
            self.bytes -= previous[1]
        self._values[key] = (value, size)
        self.bytes += size
        self._shrink()

    def __len__(self) -> int:
        return len(self._values)

    def _shrink(self) -> None:
        while self._values and (len(self._values) > self._size or self.bytes > self._max_bytes):
            _, (_, size) = self._values.popitem(last=False)
            self.bytes -= size


class RememberedWhenShort(Generic[P, V]):
    """`function`, its `size` latest results kept for calls whose text arguments are `longest`
    characters or fewer in all: a word or a short answer, not a stranger's long text."""

    def __init__(self, function: Callable[P, V], *, size: int, longest: int) -> None:
        self._function = function
        self._remembered = cast("Callable[P, V]", lru_cache(maxsize=size)(function))
        self._longest = longest

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> V:
        length = sum(len(arg) for arg in args if isinstance(arg, str))
        if length > self._longest:
            return self._function(*args, **kwargs)
        return self._remembered(*args, **kwargs)

    def cache_clear(self) -> None:
        cast("Any", self._remembered).cache_clear()
