"""Conversation and user state: one record of plain JSON per conversation (and per user),
read from the store once a turn and written back once, if it changed.

Written once for both SDKs: their dialogs reach the state through `StateProperty`, which
has the accessor's methods they call (`get`, `set`, `delete`). A property whose values are
objects (the dialog stack) has a codec that turns them into plain JSON and back; the record
holds nothing else, so either build reads what the other wrote (docs/stored-state.md).
"""

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import telemetry
from sdk import TurnContext
from storage import ConnectedStorage, Storage
from storage.errors import CorruptRecord
from storage.legacy import UnreadableRecord, read_record
from storage.memory import to_text

logger = logging.getLogger(__name__)

VERSION = 1  # the record's form (docs/stored-state.md)


class Codec(Protocol):
    """How a property's value is stored: `encode` makes plain JSON of it, `decode` the value
    again."""

    def encode(self, value: Any) -> Any: ...

    def decode(self, data: Any) -> Any: ...


class _Loaded:
    """One turn's copy of a record: the stored JSON, the properties the turn has read (as
    values), and what the record was, to tell whether it changed."""

    def __init__(self, record: dict[str, Any], e_tag: str | None, stored_as: str | None) -> None:
        self.record = record
        self.values: dict[str, Any] = {}
        self.e_tag = e_tag
        self.stored_as = stored_as


class BotState:
    """The state one record keeps for a turn; `storage_key` says which record."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        # A store behind a connection: each read and write is a span of the turn's trace.
        self._traced = isinstance(storage, ConnectedStorage)
        self._codecs: dict[str, Codec | None] = {}
        self._turn_key = f"corebot.state.{type(self).__name__}"

    def storage_key(self, turn_context: TurnContext) -> str:
        raise NotImplementedError

    def create_property(self, name: str, codec: Codec | None = None) -> "StateProperty":
        """The property `name` of the record; `codec` for a value that is not plain JSON (a
        property made again without one keeps the codec it was made with)."""
        if codec is not None or name not in self._codecs:
            self._codecs[name] = codec
        return StateProperty(self, name)

    async def load(self, turn_context: TurnContext, force: bool = False) -> None:
        """Read the record, unless this turn already has (or `force`)."""
        if self._turn_key in turn_context.turn_state and not force:
            return
        key = self.storage_key(turn_context)
        read: Awaitable[dict[str, dict[str, Any]]] = self.storage.read([key])
        if self._traced:
            read = telemetry.state("load", type(self).__name__, self.storage, read)
        e_tag = None
        record: dict[str, Any] = {}
        try:
            found = (await read).get(key)
        except CorruptRecord as error:
            # Written over (under its e-tag) when the turn saves: the conversation starts
            # afresh rather than failing on every message.
            logger.warning(
                "State %s could not be read, and is started afresh: %s",
                telemetry.hashed(key),
                error,
            )
            found, e_tag = None, error.e_tag or "*"
        if found is not None:
            e_tag = found.pop("e_tag", None)
            try:
                record = read_record(found) if found else {}
            except UnreadableRecord as error:
                # Saved over under its e-tag: the conversation starts afresh.
                logger.warning(
                    "State %s could not be read, and is started afresh: %s",
                    telemetry.hashed(key),
                    error,
                )
                record = {}
        turn_context.turn_state[self._turn_key] = _Loaded(record, e_tag, _text(found))

    def _loaded(self, turn_context: TurnContext) -> _Loaded:
        loaded = turn_context.turn_state.get(self._turn_key)
        if not isinstance(loaded, _Loaded):
            raise RuntimeError(f"{type(self).__name__}.load() must be awaited first")
        return loaded

    async def save_changes(self, turn_context: TurnContext, force: bool = False) -> None:
        """Write the record if it changed this turn (or `force`), under the e-tag it was read
        with: StateConflict if someone else wrote it since."""
        loaded = turn_context.turn_state.get(self._turn_key)
        if not isinstance(loaded, _Loaded):
            return
        record = self._record(loaded)
        text = _text(record)
        if text == loaded.stored_as and not force:
            return
        item = {**record, "e_tag": loaded.e_tag} if loaded.e_tag else dict(record)
        write: Awaitable[None] = self.storage.write({self.storage_key(turn_context): item})
        if self._traced:
            write = telemetry.state("save", type(self).__name__, self.storage, write)
        await write
        loaded.e_tag = item["e_tag"]
        loaded.stored_as = text

    def _record(self, loaded: _Loaded) -> dict[str, Any]:
        """The record as the turn leaves it: the properties in the order they were stored,
        those the turn read written anew."""
        record: dict[str, Any] = {"version": VERSION}
        for name, stored in loaded.record.items():
            if name == "version":
                continue
            if name not in loaded.values:
                record[name] = stored
            elif (value := loaded.values[name]) is not None:
                record[name] = self._encode(name, value)
        for name, value in loaded.values.items():
            if name not in loaded.record and value is not None:
                record[name] = self._encode(name, value)
        return record if len(record) > 1 else {}

    def _encode(self, name: str, value: Any) -> Any:
        codec = self._codecs.get(name)
        return codec.encode(value) if codec else value

    async def delete(self, turn_context: TurnContext) -> None:
        """Forget the record: in the store, and for the rest of the turn."""
        turn_context.turn_state.pop(self._turn_key, None)
        await self.storage.delete([self.storage_key(turn_context)])

    async def clear_state(self, turn_context: TurnContext) -> None:
        """Empty the record for the rest of the turn; the save writes it so, over the version
        this turn read."""
        loaded = self._loaded(turn_context)
        loaded.record, loaded.values = {}, {}
        loaded.stored_as = None  # never a record's text: the emptied record is always written

    def get(self, turn_context: TurnContext, name: str, default: Callable[[], Any] | None) -> Any:
        loaded = self._loaded(turn_context)
        if name in loaded.values:
            return loaded.values[name]
        if name in loaded.record:
            codec = self._codecs.get(name)
            value = loaded.record[name]
            if codec is not None:
                value = codec.decode(value)
        elif default is None:
            return None
        else:
            value = default()
        loaded.values[name] = value
        return value

    def set(self, turn_context: TurnContext, name: str, value: Any) -> None:
        self._loaded(turn_context).values[name] = value

    def remove(self, turn_context: TurnContext, name: str) -> None:
        loaded = self._loaded(turn_context)
        loaded.values[name] = None
        loaded.record.pop(name, None)


class StateProperty:
    """One property of a state's record, as the SDKs' dialogs use it (their
    StatePropertyAccessor)."""

    def __init__(self, state: BotState, name: str) -> None:
        self.state = state
        self.name = name

    async def get(
        self,
        turn_context: TurnContext,
        default_value_or_factory: Any = None,
        *,
        target_cls: Any = None,
    ) -> Any:
        """The value, or (when the record has none) the default: a factory's product, which
        is kept, or a copy of a plain default. (`target_cls`: the Agents SDK's accessors
        take it; here a property's codec says what its value is.)"""
        await self.state.load(turn_context)
        default = default_value_or_factory
        factory = default if callable(default) or default is None else lambda: _copy(default)
        return self.state.get(turn_context, self.name, factory)

    async def set(self, turn_context: TurnContext, value: Any) -> None:
        await self.state.load(turn_context)
        self.state.set(turn_context, self.name, value)

    async def delete(self, turn_context: TurnContext) -> None:
        await self.state.load(turn_context)
        self.state.remove(turn_context, self.name)


class ConversationState(BotState):
    """State of a conversation: `{channelId}/conversations/{conversation id}`."""

    def storage_key(self, turn_context: TurnContext) -> str:
        activity = turn_context.activity
        if not activity.channel_id or not activity.conversation or not activity.conversation.id:
            raise ValueError("ConversationState: the activity has no channel or conversation id")
        return f"{activity.channel_id}/conversations/{activity.conversation.id}"


class UserState(BotState):
    """State of a user: `{channelId}/users/{user id}`."""

    def storage_key(self, turn_context: TurnContext) -> str:
        activity = turn_context.activity
        sender = activity.from_property
        if not activity.channel_id or sender is None or not sender.id:
            raise ValueError("UserState: the activity has no channel or sender id")
        return f"{activity.channel_id}/users/{sender.id}"


def _text(record: dict[str, Any] | None) -> str:
    """A record's JSON text, as it is compared from turn to turn (no e-tag)."""
    return to_text(record) if record else ""


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))
