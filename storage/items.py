"""The e-tag of a state item, which is a dict or a StoreItem-like object."""

from typing import Any


def e_tag_of(item: Any) -> str | None:
    return item.get("e_tag") if isinstance(item, dict) else getattr(item, "e_tag", None)


def with_e_tag(item: Any, e_tag: str) -> Any:
    """Give the item its e-tag (a StoreItem has an `e_tag` attribute; a dict gets the key)."""
    if isinstance(item, dict):
        item["e_tag"] = e_tag
    elif hasattr(item, "e_tag"):
        item.e_tag = e_tag
    return item
