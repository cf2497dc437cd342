"""What the turn path tells telemetry: cheap hooks that do nothing unless telemetry is on.

Each turn that telemetry watches runs with a `Turn` in `CURRENT` (set by the middleware of
`telemetry.recorder`). Without an exporter and without JSON logs nothing sets it: each hook
below is then one function call and one context-variable lookup, and OpenTelemetry is never
imported. Only the hook of the dialogs' end (`dialog_waiting`) runs on every turn; the rest
(connector, recognizer, the turn's activity) is wired in by `telemetry.recorder` only when
telemetry is on.

What is recorded is hashes, names and numbers, never what the user wrote, never a token, and
never an id in clear: a conversation's id, and an activity's (Direct Line's hold the
conversation's), are hashed. A name the client gives (the channel, the activity's type) is
recorded only when it is one the Bot Framework defines, else as `other`: a metric's
attributes take values from a small set, whatever clients send.
"""

import hashlib
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from sdk import Activity, DialogContext, TurnContext

T = TypeVar("T")


class Turn:
    """One request on a turn route, as the logs see it: the conversation (hashed) and the
    activity. `recorder.TracedTurn` adds the span and the metrics."""

    def __init__(self) -> None:
        self.conversation: str | None = None  # conversation_hash of the activity's conversation
        self.activity_id: str | None = None
        self.channel: str | None = None
        self.activity_type: str | None = None

    @property
    def trace_id(self) -> str | None:
        return None

    def activity(self, activity: "Activity") -> None:
        self.channel = known(activity.channel_id, CHANNELS)
        self.activity_type = known(activity.type, ACTIVITY_TYPES)
        self.activity_id = activity.id and conversation_hash(activity.channel_id, activity.id)
        self.conversation = conversation_of(activity)

    def ran(self, context: "TurnContext") -> None:
        """The turn's logic has run (again, after a lost race for the state)."""

    # What a traced turn records; nothing here.

    def state(
        self, operation: str, state: str, storage: object, call: Awaitable[T]
    ) -> Awaitable[T]:
        return call

    def interruption(self, kind: str, by: str) -> None:
        pass

    def dialog_waiting(self, dialog_context: "DialogContext") -> None:
        pass

    def booking(self, outcome: str) -> None:
        pass

    def outcome(self, outcome: str, error: BaseException | None = None) -> None:
        pass

    def state_conflict(self) -> None:
        pass

    def refused(self, status: int) -> None:
        pass


CURRENT: ContextVar[Turn | None] = ContextVar("corebot_turn", default=None)


# The channels and activity types the Bot Framework defines (botframework-connector's
# Channels, the schema's ActivityTypes), and Web Chat's.
CHANNELS = frozenset(
    {
        *("console", "cortana", "directline", "directlinespeech", "email", "emulator"),
        *("facebook", "groupme", "kik", "line", "msteams", "skype", "skypeforbusiness"),
        *("slack", "sms", "telegram", "test", "webchat", "omnichannel", "outlook"),
    }
)
ACTIVITY_TYPES = frozenset(
    {
        *("message", "contactRelationUpdate", "conversationUpdate", "typing"),
        *("endOfConversation", "event", "invoke", "invokeResponse", "deleteUserData"),
        *("messageUpdate", "messageDelete", "installationUpdate", "messageReaction"),
        *("suggestion", "trace", "handoff", "command", "commandResult"),
    }
)


def known(name: str | None, names: frozenset[str]) -> str | None:
    """`name` if it is one of `names`, else `other` (None stays None)."""
    return name if name is None or name in names else "other"


def conversation_hash(channel_id: str | None, conversation_id: str | None) -> str:
    """The conversation (or any id of the channel's), unrecognisable but the same on every
    turn and every instance."""
    return hashed(f"{channel_id}/{conversation_id}")


def conversation_of(activity: "Activity") -> str:
    """The hash of the activity's conversation: how logs and spans name it."""
    return conversation_hash(activity.channel_id, activity.conversation.id)


def hashed(text: str) -> str:
    """`text` (an id, a storage key), unrecognisable but the same everywhere."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# The hooks. Each is one lookup when no turn is watched.


def state(operation: str, state: str, storage: object, call: Awaitable[T]) -> Awaitable[T]:
    """`call` (one read, "load", or write, "save", of `state` in a store behind a
    connection; not yet awaited) in a span of its own."""
    if (turn := CURRENT.get()) is None:
        return call
    return turn.state(operation, state, storage, call)


def interruption(kind: str, by: str) -> None:
    """Dialog `by` claimed the message as an interruption of `kind` (its handler's name)."""
    if (turn := CURRENT.get()) is not None:
        turn.interruption(kind, by)


def dialog_waiting(dialog_context: "DialogContext") -> None:
    """The turn's dialogs have run: note the dialog and waterfall step where it stopped."""
    if (turn := CURRENT.get()) is not None:
        turn.dialog_waiting(dialog_context)


def booking(outcome: str) -> None:
    """A booking ended: `completed`, `declined` or `cancelled`."""
    if (turn := CURRENT.get()) is not None:
        turn.booking(outcome)


def outcome(outcome: str, error: BaseException | None = None) -> None:
    """How the turn ended, when it is not what its replies say: `error`,
    `storage_unreachable`, `state_conflict` (given up after its retries)."""
    if (turn := CURRENT.get()) is not None:
        turn.outcome(outcome, error)


def state_conflict() -> None:
    """The turn's state save lost a race; the turn runs again."""
    if (turn := CURRENT.get()) is not None:
        turn.state_conflict()


def refused(status: int) -> None:
    """The request was refused with `status` before any turn ran."""
    if (turn := CURRENT.get()) is not None:
        turn.refused(status)
