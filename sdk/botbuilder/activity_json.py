"""Bot Framework schema objects to and from JSON: what msrest's `Model.serialize()` writes
and `Model.deserialize()` reads, faster.

msrest re-reads each class's attribute map, transforms every key and dispatches on type
names for every object: about half a millisecond per reply written and a tenth per activity
read. Here the map is read once per class. Anything out of the ordinary (a value of an
unexpected type, bytes) is handed to msrest, so the result is always msrest's.
"""

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from msrest.serialization import Deserializer, Model, Serializer

M = TypeVar("M", bound=Model)
R = TypeVar("R")

_PLAIN = (str, int, float, bool)


class _Unusual(Exception):
    """A value msrest writes in a way of its own; let msrest write the whole object."""


def to_json(model: Model) -> dict[str, Any]:
    try:
        return _model(model)
    except (_Unusual, ValueError, TypeError):
        return model.serialize()


def from_json(cls: type[M], data: Any) -> M:
    """`cls.deserialize(data)`, for JSON already parsed."""
    try:
        return _read_model(cls, data)
    except (_Unusual, ValueError, TypeError):
        return cls.deserialize(data)


def _per_class(function: Callable[[type[Model]], R]) -> Callable[[type[Model]], R]:
    """`functools.cache` for a function of a class. mypy takes a class for unhashable
    (python/mypy#11470): its check is passed once here, not at each call."""
    return cache(function)  # type: ignore[return-value]  # a class is hashable (see above)


@_per_class
def _plan(cls: type[Model]) -> tuple[tuple[str, str, str], ...]:
    """(attribute, JSON key, msrest type) for each attribute of the class."""
    plan = []
    for attribute, description in cls._attribute_map.items():
        key = description["key"]
        rules = cls._validation.get(attribute, {})
        if not key or "." in key or "\\" in key or rules.get("readonly") or rules.get("constant"):
            raise _Unusual(cls.__name__)
        plan.append((attribute, key, description["type"]))
    if getattr(cls, "_subtype_map", None):
        raise _Unusual(cls.__name__)
    return tuple(plan)


@_per_class
def _fields(cls: type[Model]) -> dict[str, tuple[str, str]]:
    """JSON key: (attribute, msrest type)."""
    return {key: (attribute, kind) for attribute, key, kind in _plan(cls)}


@_per_class
def _set_to_none(cls: type[Model]) -> dict[str, None]:
    """The attributes msrest must set to None when the JSON lacks them: those the class's
    constructor gives another value by default (msrest passes every attribute)."""
    made = cls()
    return {
        attribute: None for attribute, _, _ in _plan(cls) if getattr(made, attribute) is not None
    }


@_per_class
def _dependencies(cls: type[Model]) -> dict[str, type]:
    return cls._infer_class_models()


# msrest's own readers, for the types whose reading is more than a type check.
_DESERIALIZER = Deserializer()


def _read_model(cls: type[M], data: Any) -> M:
    if type(data) is not dict:
        raise _Unusual(cls.__name__)
    fields = _fields(cls)
    # Only the keys present are read: most of an activity's forty attributes are absent.
    found: dict[str, Any] = dict(_set_to_none(cls))
    unknown: dict[str, Any] = {}
    for key, value in data.items():
        field = fields.get(key)
        if field is None:
            unknown[key] = value
        elif value is not None:
            found[field[0]] = _read(value, field[1], cls)
    model = cls(**found)
    # As msrest does, keys the class does not know are kept as additional_properties.
    if unknown:
        model.additional_properties = unknown
    return model


def _read(value: Any, kind: str, owner: type[Model]) -> Any:
    if value is None:
        return None
    match kind:
        case "str":
            if type(value) is not str:
                raise _Unusual(kind)
            return value
        case "bool" | "int":
            if type(value) is not {"bool": bool, "int": int}[kind]:
                raise _Unusual(kind)
            return value
        case "iso-8601":
            if type(value) is not str:
                raise _Unusual(kind)
            return Deserializer.deserialize_iso(value)
        case "object":
            return _DESERIALIZER.deserialize_object(value)
        case _ if kind.startswith("[") and kind.endswith("]"):
            if type(value) is not list:
                raise _Unusual(kind)
            return [_read(item, kind[1:-1], owner) for item in value]
        case _ if kind.startswith("{") and kind.endswith("}"):
            if type(value) is not dict:
                raise _Unusual(kind)
            return {key: _read(item, kind[1:-1], owner) for key, item in value.items()}
    model = _dependencies(owner).get(kind)
    if model is None or not issubclass(model, Model):
        raise _Unusual(kind)
    return _read_model(model, value)


def _model(model: object) -> dict[str, Any]:
    if not isinstance(model, Model):
        raise _Unusual(type(model).__name__)
    written = {}
    for attribute, key, kind in _plan(type(model)):
        value = getattr(model, attribute)
        if value is not None:
            written[key] = _typed(value, kind)
    return written


def _typed(value: Any, kind: str) -> Any:
    match kind:
        case "str":
            return _text(value)
        case "bool" | "int" | "float":
            return {"bool": bool, "int": int, "float": float}[kind](value)
        case "iso-8601":
            if not isinstance(value, datetime):
                raise _Unusual(kind)
            return Serializer.serialize_iso(value)
        case "object":
            return _object(value)
        case _ if kind.startswith("[") and kind.endswith("]"):
            if not isinstance(value, list):
                raise _Unusual(kind)
            return [None if item is None else _typed(item, kind[1:-1]) for item in value]
        case _ if kind.startswith("{") and kind.endswith("}"):
            if not isinstance(value, dict):
                raise _Unusual(kind)
            return {
                _text(key): None if item is None else _typed(item, kind[1:-1])
                for key, item in value.items()
            }
        case "bytearray" | "date" | "duration" | "decimal" | "long" | "base64":
            raise _Unusual(kind)
        case _:
            return _model(value)


def _text(value: Any) -> Any:
    if type(value) is str:
        return value
    # As msrest does: an enum's value, anything else through str().
    try:
        return value.value
    except AttributeError:
        return str(value)


def _object(value: Any) -> Any:
    """An untyped value (`channelData`, `value`, attachment content)."""
    kind = type(value)
    if value is None or kind in _PLAIN:
        return value
    if kind is dict:
        return {_text(key): _object(item) for key, item in value.items()}
    if kind is list:
        return [_object(item) for item in value]
    if isinstance(value, Model):
        return _model(value)
    raise _Unusual(kind.__name__)
