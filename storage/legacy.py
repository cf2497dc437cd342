"""Records the bot stored before the plain JSON form of docs/stored-state.md: jsonpickle's
JSON, as botbuilder-azure wrote it to Blob Storage and Cosmos DB.

A record names the Python classes to rebuild it with (`"py/object"`), and jsonpickle would
import and build whatever it names. Here nothing named in a record is imported or built:
the JSON is walked, and the few kinds of object the bot ever stored are written in the new
form. A record holding anything else is refused (UnreadableRecord).
"""

import copy
import math
from collections.abc import Collection
from typing import Any

VERSION = 1
# Far more than the bot's records reach (twenty levels for a date asked inside a booking
# inside the main dialog), and far less than would exhaust Python's recursion.
MAX_DEPTH = 100
# Values written, copies of references included: fewer than a hundred make a record the bot
# wrote, but a handful of references to references could stand for billions.
MAX_VALUES = 100_000

DIALOG_STATE = "botbuilder.dialogs.dialog_state.DialogState"
DIALOG_INSTANCE = "botbuilder.dialogs.dialog_instance.DialogInstance"
PROMPT_OPTIONS = "botbuilder.dialogs.prompts.prompt_options.PromptOptions"
BOOKING_DETAILS = "booking_details.BookingDetails"
MESSAGE = "helpers.message_helper.Message"

# PromptOptions' attributes and their JSON names, in the order they are written.
PROMPT_OPTIONS_FIELDS = {
    "prompt": "prompt",
    "retry_prompt": "retryPrompt",
    "choices": "choices",
    "style": "style",
    "validations": "validations",
    "number_of_attempts": "numberOfAttempts",
}
BOOKING_FIELDS = {
    "destination": "destination",
    "origin": "origin",
    "travel_date": "travelDate",
    "unsupported_airports": "unsupportedAirports",
}

# botbuilder-schema 4.17.1's classes that can sit in an activity (the activity itself, what
# its fields hold, entities, and the cards an attachment may hold), each with its attributes
# in the order msrest writes them. tests/sdk/botbuilder checks them against the schema.
SCHEMA_MODULE = "botbuilder.schema._models_py3"
_CARD = (
    "title",
    "subtitle",
    "text",
    "image",
    "media",
    "buttons",
    "shareable",
    "autoloop",
    "autostart",
    "aspect",
    "duration",
    "value",
)
_IMAGE_CARD = ("title", "subtitle", "text", "images", "buttons", "tap")
SCHEMA_CLASSES: dict[str, tuple[str, ...]] = {
    "Activity": (
        "type",
        "id",
        "timestamp",
        "local_timestamp",
        "local_timezone",
        "service_url",
        "channel_id",
        "from_property",
        "conversation",
        "recipient",
        "text_format",
        "attachment_layout",
        "members_added",
        "members_removed",
        "reactions_added",
        "reactions_removed",
        "topic_name",
        "history_disclosed",
        "locale",
        "text",
        "speak",
        "input_hint",
        "summary",
        "suggested_actions",
        "attachments",
        "entities",
        "channel_data",
        "action",
        "reply_to_id",
        "label",
        "value_type",
        "value",
        "name",
        "relates_to",
        "code",
        "expiration",
        "importance",
        "delivery_mode",
        "listen_for",
        "text_highlights",
        "semantic_action",
        "caller_id",
    ),
    "ChannelAccount": ("id", "name", "aad_object_id", "role", "properties"),
    "ConversationAccount": (
        "is_group",
        "conversation_type",
        "id",
        "name",
        "aad_object_id",
        "role",
        "tenant_id",
        "properties",
    ),
    "ConversationReference": (
        "activity_id",
        "user",
        "bot",
        "conversation",
        "channel_id",
        "locale",
        "service_url",
    ),
    "MessageReaction": ("type",),
    "SuggestedActions": ("to", "actions"),
    "CardAction": (
        "type",
        "title",
        "image",
        "text",
        "display_text",
        "value",
        "channel_data",
        "image_alt_text",
    ),
    "Attachment": ("content_type", "content_url", "content", "name", "thumbnail_url"),
    "TextHighlight": ("text", "occurrence"),
    "SemanticAction": ("id", "entities", "state"),
    "Entity": ("type",),
    "Mention": ("mentioned", "text", "type"),
    "Place": ("address", "geo", "has_map", "type", "name"),
    "GeoCoordinates": ("elevation", "latitude", "longitude", "type", "name"),
    "Thing": ("type", "name"),
    "AnimationCard": _CARD,
    "AudioCard": _CARD,
    "MediaCard": _CARD,
    "VideoCard": _CARD,
    "BasicCard": _IMAGE_CARD,
    "HeroCard": _IMAGE_CARD,
    "ThumbnailCard": _IMAGE_CARD,
    "OAuthCard": (
        "text",
        "connection_name",
        "buttons",
        "token_exchange_resource",
        "token_post_resource",
    ),
    "ReceiptCard": ("title", "facts", "items", "tap", "total", "tax", "vat", "buttons"),
    "ReceiptItem": ("title", "subtitle", "text", "image", "price", "quantity", "tap"),
    "SigninCard": ("text", "buttons"),
    "CardImage": ("url", "alt", "tap"),
    "MediaUrl": ("url", "profile"),
    "ThumbnailUrl": ("url", "alt"),
    "Fact": ("key", "value"),
}
# The attributes whose JSON name is not their name in camelCase.
SCHEMA_JSON_NAMES = {"from_property": "from", "tenant_id": "tenantID"}
# The schema's enums (str enums: jsonpickle writes a member as a py/reduce of its value).
SCHEMA_ENUMS = frozenset(
    [
        *(
            f"botbuilder.schema._connector_client_enums.{name}"
            for name in (
                "RoleTypes",
                "ActivityTypes",
                "TextFormatTypes",
                "AttachmentLayoutTypes",
                "MessageReactionTypes",
                "InputHints",
                "ActionTypes",
                "EndOfConversationCodes",
                "ActivityImportance",
                "DeliveryModes",
                "ContactRelationUpdateActionTypes",
                "InstallationUpdateActionTypes",
                "SemanticActionStates",
            )
        ),
        f"{SCHEMA_MODULE}.ActivityEventNames",
    ]
)


class UnreadableRecord(Exception):
    """A stored record that is not one the bot wrote: it holds something other than the
    objects the bot stored, or is not JSON. The message is a short reason."""


def read_record(data: dict[str, Any]) -> dict[str, Any]:
    """A stored record in the form of docs/stored-state.md (`{"version": 1, "DialogState":
    {"dialogStack": [...]}, "RecentActivities": [...], ...}`). A record that has a `version`
    is in that form already, and is returned as it is. Any other is read as jsonpickle's
    JSON: its keys other than the objects' are plain JSON and kept (a top-level `e_tag`, the
    store's, included). UnreadableRecord if it holds anything the bot did not store."""
    if type(data) is not dict:
        raise UnreadableRecord("the record is not a JSON object")
    if "version" in data:
        return data
    if any(type(key) is str and key.startswith("py/") for key in data):
        raise UnreadableRecord("the record is an object of a class, not the state's properties")
    record = _Reader().value(data, 0)
    return {"version": VERSION, **record}


_PENDING = object()  # an object whose reading has begun and not ended


class _Reader:
    """Walks one record, numbering its objects as jsonpickle's Unpickler does (3.x), so that
    a reference (`{"py/id": n}`) finds the object that jsonpickle would: the n-th JSON
    object, array, `py/object` or `py/reduce` met, counting from 0 (the record itself),
    in document order, each counted when it is met, before what it holds."""

    def __init__(self) -> None:
        self._objects: list[Any] = []
        self._sizes: list[int] = []
        self._values = 0

    def value(self, data: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise UnreadableRecord(f"nested deeper than {MAX_DEPTH}")
        self._count(1)
        if data is None or type(data) in (str, bool, int):
            return data
        if type(data) is float:
            if not math.isfinite(data):
                raise UnreadableRecord(f"{data} is not JSON")
            return data
        if type(data) is list:
            return self._array(data, depth)
        if type(data) is dict:
            return self._object(data, depth)
        raise UnreadableRecord(f"a {type(data).__name__} is not JSON")

    def _count(self, values: int) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            raise UnreadableRecord(f"more than {MAX_VALUES} values")

    def _begin(self) -> int:
        self._objects.append(_PENDING)
        self._sizes.append(0)
        return len(self._objects) - 1

    def _end(self, number: int, value: Any, first_value: int) -> Any:
        self._objects[number] = value
        self._sizes[number] = self._values - first_value
        return value

    def _array(self, data: list[Any], depth: int) -> list[Any]:
        number, first = self._begin(), self._values
        return self._end(number, [self.value(item, depth + 1) for item in data], first)

    def _object(self, data: dict[str, Any], depth: int) -> Any:
        for key in data:
            if type(key) is not str:
                raise UnreadableRecord(f"a key that is not a string: {key!r}"[:80])
        tags = [key for key in data if key.startswith("py/")]
        if not tags:
            number, first = self._begin(), self._values
            plain = {key: self.value(item, depth + 1) for key, item in data.items()}
            return self._end(number, plain, first)
        if tags == ["py/id"] and len(data) == 1:
            return self._reference(data["py/id"])
        if tags == ["py/tuple"] and len(data) == 1 and type(data["py/tuple"]) is list:
            return [self.value(item, depth + 1) for item in data["py/tuple"]]
        if tags == ["py/reduce"] and len(data) == 1:
            return self._enum(data["py/reduce"])
        if tags == ["py/object"]:
            return self._instance(data, depth)
        raise UnreadableRecord(f"{_named(tags)}: not an object the bot stored")

    def _reference(self, number: Any) -> Any:
        if type(number) is not int or not 0 <= number < len(self._objects):
            raise UnreadableRecord(f"py/id {number!r}"[:60] + " refers to nothing before it")
        value = self._objects[number]
        if value is _PENDING:
            raise UnreadableRecord(f"py/id {number} refers to an object that holds it")
        self._count(self._sizes[number])
        return copy.deepcopy(value)

    def _enum(self, reduce: Any) -> str:
        """A member of one of the schema's str enums, which jsonpickle writes as a call of
        its class with its value: the value."""
        number = self._begin()
        match reduce:
            case [{"py/type": str(name)}, {"py/tuple": [str(value)]}] if name in SCHEMA_ENUMS:
                self._objects[number] = value
                return value
        raise UnreadableRecord("py/reduce: not a member of the schema's enums")

    def _instance(self, data: dict[str, Any], depth: int) -> Any:
        name = data["py/object"]
        number, first = self._begin(), self._values
        # Every attribute is read in the record's order: that is the order of the numbers.
        attributes = {
            key: self.value(item, depth + 1) for key, item in data.items() if key != "py/object"
        }
        if name == DIALOG_STATE:
            value: Any = _dialog_state(attributes)
        elif name == DIALOG_INSTANCE:
            value = _dialog_instance(attributes)
        elif name == PROMPT_OPTIONS:
            value = _prompt_options(attributes)
        elif name == BOOKING_DETAILS:
            value = _booking(attributes)
        elif name == MESSAGE:
            value = _schema_object("Activity", attributes)
        elif (
            type(name) is str
            and name.startswith(f"{SCHEMA_MODULE}.")
            and (name.removeprefix(f"{SCHEMA_MODULE}.") in SCHEMA_CLASSES)
        ):
            value = _schema_object(name.removeprefix(f"{SCHEMA_MODULE}."), attributes)
        else:
            raise UnreadableRecord(f"py/object {name!r}"[:100] + ": not an object the bot stored")
        return self._end(number, value, first)


def _named(tags: list[str]) -> str:
    return ", ".join(tag[:20] for tag in tags[:3])


def _only(kind: str, attributes: dict[str, Any], known: Collection[str]) -> None:
    for name in attributes:
        if name not in known:
            raise UnreadableRecord(f"{kind} has no attribute {name!r}"[:100])


def _dialog_state(attributes: dict[str, Any]) -> dict[str, Any]:
    _only("DialogState", attributes, ("_dialog_stack",))
    stack = attributes.get("_dialog_stack")
    if type(stack) is not list:
        raise UnreadableRecord("a DialogState without its stack")
    for instance in stack:
        if type(instance) is not dict or set(instance) != {"id", "state"}:
            raise UnreadableRecord("a DialogState whose stack holds other than dialog instances")
    return {"dialogStack": stack}


def _dialog_instance(attributes: dict[str, Any]) -> dict[str, Any]:
    _only("DialogInstance", attributes, ("id", "state"))
    if type(attributes.get("id")) is not str or type(attributes.get("state")) is not dict:
        raise UnreadableRecord("a DialogInstance without an id or a state")
    return {"id": attributes["id"], "state": attributes["state"]}


def _prompt_options(attributes: dict[str, Any]) -> dict[str, Any]:
    _only("PromptOptions", attributes, PROMPT_OPTIONS_FIELDS)
    attempts = attributes.get("number_of_attempts", 0)
    if type(attempts) is not int:
        raise UnreadableRecord("a PromptOptions whose number_of_attempts is not a number")
    options = {
        PROMPT_OPTIONS_FIELDS[name]: attributes[name]
        for name in PROMPT_OPTIONS_FIELDS
        if attributes.get(name) is not None
    }
    return {**options, "numberOfAttempts": attempts}


def _booking(attributes: dict[str, Any]) -> dict[str, Any]:
    _only("BookingDetails", attributes, BOOKING_FIELDS)
    airports = attributes.get("unsupported_airports", [])
    texts = [attributes.get(name) for name in ("destination", "origin", "travel_date")]
    if any(text is not None and type(text) is not str for text in texts) or (
        type(airports) is not list or any(type(name) is not str for name in airports)
    ):
        raise UnreadableRecord("a BookingDetails whose fields are not texts")
    return {
        "destination": texts[0],
        "origin": texts[1],
        "travelDate": texts[2],
        "unsupportedAirports": airports,
    }


def _schema_object(kind: str, attributes: dict[str, Any]) -> dict[str, Any]:
    """As Bot Framework JSON: each attribute that has a value under its JSON name, in the
    schema's order, then the additional properties."""
    known = SCHEMA_CLASSES[kind]
    extra = attributes.pop("additional_properties", None) or {}
    _only(kind, attributes, known)
    if type(extra) is not dict:
        raise UnreadableRecord(f"a {kind} whose additional_properties are not an object")
    written = {
        _json_name(name): attributes[name] for name in known if attributes.get(name) is not None
    }
    for key, value in extra.items():
        written.setdefault(key, value)
    return written


def _json_name(attribute: str) -> str:
    if attribute in SCHEMA_JSON_NAMES:
        return SCHEMA_JSON_NAMES[attribute]
    first, *rest = attribute.split("_")
    return first + "".join(word.capitalize() for word in rest)
