"""Records stored before the plain-JSON form (placeholder until the reader lands)."""

from typing import Any


class UnreadableRecord(Exception):
    """A stored record the bot cannot read."""


def read_record(data: dict[str, Any]) -> dict[str, Any]:
    if "version" in data:
        return data
    raise UnreadableRecord("a record in an earlier form")
