"""LUIS (v2 prediction API) on the agents build, for LUIS-compatible endpoints (LUIS itself
was retired on 2026-03-31). botbuilder-ai needs botbuilder, which this build does not have:
this sends the request botbuilder-ai's runtime client sends, with aiohttp, and maps the
answer as its `LuisUtil` does (`get_intents`, and `extract_entities_and_metadata` verbose),
so that both builds make the same result of the same answer, and fail on the same answers."""

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urljoin

from recognizers.cloud_service import CloudService, ServiceError
from recognizers.luis_settings import luis_endpoint
from recognizers.result import IntentScore, RecognizerResult
from sdk.agents import TurnContext

TIMEOUT_SECONDS = 5
METADATA = "$instance"
DATETIME_V2 = "builtin.datetimeV2."
NUMBERS = ("builtin.number", "builtin.ordinal")
WITH_UNITS = ("builtin.age", "builtin.dimension", "builtin.currency", "builtin.temperature")
T = TypeVar("T")


class LuisRecognizer(CloudService):
    name = "LUIS"

    def __init__(self, app_id: str, key: str, host: str, timeout: float = TIMEOUT_SECONDS) -> None:
        endpoint = luis_endpoint(app_id, key, host)
        super().__init__(key, timeout)
        # As the runtime client joins them: `https://host/` and `https://host` are one endpoint.
        self._url = urljoin(f"{endpoint}/luis/v2.0/", f"apps/{quote(app_id, safe='')}")

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        text = turn_context.activity.text or ""
        answer = await self._post(
            self._url,
            text,
            params={"verbose": "true"},
            content_type="application/json; charset=utf-8",
        )
        try:
            return to_luis_shape(text, answer)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ServiceError(f"LUIS's answer is malformed: {error!r}") from None


def to_luis_shape(text: str, answer: Any) -> RecognizerResult:
    """LUIS v2's answer (`verbose=true`) as botbuilder-ai's LuisRecognizer gives it. An answer
    of the wrong shape (a list where an object should be, a number that is none) raises, as
    it fails the runtime client's deserializer."""
    answer = _object(answer)
    composites = answer.get("compositeEntities")
    return RecognizerResult(
        text=text,
        altered_text=_optional_text(answer.get("alteredQuery")),
        intents=_intents(answer),
        entities=_entities(
            [_Entity.of(_object(raw)) for raw in _list(answer["entities"])],
            [_Composite.of(_object(raw)) for raw in _list(composites)]
            if composites is not None
            else [],
        ),
    )


def _intents(answer: dict[str, Any]) -> dict[str, IntentScore]:
    """Every intent listed; only the top one when the answer lists none (not verbose)."""
    top = answer.get("topScoringIntent")
    # Read even when the list is there: the runtime client fails on a malformed one.
    top_intent = _intent(top) if top is not None else None
    listed = answer.get("intents")
    intents = [_intent(intent) for intent in _list(listed)] if listed is not None else [top_intent]
    return {
        _normalized(_present(name)): IntentScore(score=score)
        for name, score in map(_present, intents)
    }


def _intent(raw: Any) -> tuple[str | None, float]:
    intent = _object(raw)
    score = intent.get("score")
    return _optional_text(intent.get("intent")), float(score) if score is not None else 0


@dataclass(frozen=True)
class _Composite:
    """One of the answer's `compositeEntities`: its own entity's type and text, and the
    types of its children."""

    parent_type: str | None
    value: str | None
    children: list[dict[str, Any] | None] | None

    @classmethod
    def of(cls, raw: dict[str, Any]) -> "_Composite":
        children = raw.get("children")
        return cls(
            parent_type=_optional_text(raw.get("parentType")),
            value=_optional_text(raw.get("value")),
            children=None
            if children is None
            else [None if child is None else _object(child) for child in _list(children)],
        )


@dataclass(frozen=True)
class _Entity:
    """One of the answer's `entities`. Equal entities are one entity, as botbuilder-ai's
    models compare (by value): a duplicate of a composite's child goes with it."""

    # A field left out is None, and fails only where it is read, as in botbuilder-ai.
    text: str | None
    type: str | None
    start: int | None
    end: int | None  # v2's is the index of the last character, not of the one after
    extra: dict[str, Any]  # the other fields: score, resolution, role

    @classmethod
    def of(cls, raw: dict[str, Any]) -> "_Entity":
        fields = ("entity", "type", "startIndex", "endIndex")
        return cls(
            text=_optional_text(raw.get("entity")),
            type=_optional_text(raw.get("type")),
            start=_optional_int(raw.get("startIndex")),
            end=_optional_int(raw.get("endIndex")),
            extra={name: value for name, value in raw.items() if name not in fields},
        )

    @property
    def name(self) -> str:
        """Its key in the result: its role if it has one, else its type, shortened."""
        kind = _present(self.type).split(":")[-1]
        if kind.startswith(DATETIME_V2):
            kind = "datetime"
        elif kind.startswith("builtin.currency"):
            kind = "money"
        kind = kind.removeprefix("builtin.")
        role = self.extra.get("role")
        if role and not role.isspace():
            kind = role
        return _normalized(kind)

    @property
    def value(self) -> Any:
        if "resolution" not in self.extra:
            return self.text
        resolution = self.extra["resolution"]
        kind = _present(self.type)
        if kind.startswith("builtin.datetime."):
            return resolution
        if kind.startswith(DATETIME_V2):
            values = resolution["values"]
            if not values:
                return resolution
            timexes = dict.fromkeys(value["timex"] for value in values)
            return {"type": values[0]["type"], "timex": list(timexes)}
        if kind in NUMBERS:
            return _number(resolution["value"])
        if kind == "builtin.percentage":
            return _number(str(resolution["value"]).removesuffix("%"))
        if kind in WITH_UNITS:
            units = resolution["unit"]
            number = _number(resolution["value"])
            return {"units": units} if number is None else {"number": number, "units": units}
        found = resolution.get("value")
        return found if found is not None else resolution.get("values")

    @property
    def mention(self) -> dict[str, Any]:
        """Its `$instance` entry: where it is in the text (end exclusive), its score."""
        mention: dict[str, Any] = {
            "startIndex": _present(self.start),
            "endIndex": _present(self.end) + 1,
            "text": self.text,
            "type": self.type,
        }
        if "score" in self.extra:
            mention["score"] = float(self.extra["score"])
        resolution = self.extra.get("resolution")
        if resolution is not None and resolution.get("subtype") is not None:
            mention["subtype"] = resolution["subtype"]
        return mention

    def within(self, other: "_Entity") -> bool:
        starts_within = _present(self.start) >= _present(other.start)
        return starts_within and _present(self.end) <= _present(other.end)


def _entities(entities: list[_Entity], composites: list[_Composite]) -> dict[str, Any]:
    """Each entity's value under its name, its mention under `$instance`; a composite's
    children (the entities of its child types within it) under the composite."""
    result: dict[str, Any] = {METADATA: {}}
    for composite in composites:
        entities = _add_composite(composite, entities, result)
    composite_types = {composite.parent_type for composite in composites}
    for entity in entities:
        if entity.type not in composite_types:
            _add(result, entity)
    return result


def _add_composite(
    composite: _Composite, entities: list[_Entity], result: dict[str, Any]
) -> list[_Entity]:
    """Add `composite` to `result`: under its name, the entities of its children's types
    that lie within it; the entities left for the others."""
    parent = next(
        (e for e in entities if e.type == composite.parent_type and e.text == composite.value),
        None,
    )
    # LuisUtil leaves out a composite whose own entity is not among the entities.
    if parent is None:
        return entities
    children: dict[str, Any] = {METADATA: {}}
    taken: list[_Entity] = []
    for child in _present(composite.children):
        for entity in entities:
            if entity in taken:
                continue
            child_type = _optional_text(_present(child).get("type"))
            if entity.type == child_type and entity.within(parent):
                taken.append(entity)
                _add(children, entity)
    _append(result, parent.name, children)
    _append(result[METADATA], parent.name, parent.mention)
    return [entity for entity in entities if entity not in taken]


def _add(result: dict[str, Any], entity: _Entity) -> None:
    _append(result, entity.name, entity.value)
    _append(result[METADATA], entity.name, entity.mention)


def _append(values: dict[str, Any], name: str, value: Any) -> None:
    values.setdefault(name, []).append(value)


def _normalized(name: str) -> str:
    return name.replace(".", "_").replace(" ", "_")


def _number(value: Any) -> int | float | None:
    """A resolution's number as LuisUtil reads it: whole if it reads as one."""
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        return float(str(value))


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"an object was expected, not {value!r}")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"a list was expected, not {value!r}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _present(value: T | None) -> T:
    if value is None:
        raise TypeError("a field the mapping needs is missing")
    return value
