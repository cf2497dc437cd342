"""The dialog stack as plain JSON, and back (docs/stored-state.md).

Encoding goes by what each value is (a dialog state, a prompt's options, an activity, a
value with `to_json`, plain JSON). Decoding goes by where each value sits, with the bot's
own dialogs as the map: the dialog an instance's id names says what its state holds (a
component its own stack, a prompt its options, a waterfall the options of the dialog that
owns it). The record names no type, so no record can choose what gets built.
"""

from collections.abc import Callable
from typing import Any, Protocol

from sdk import (
    Activity,
    ComponentDialog,
    Dialog,
    DialogInstance,
    DialogState,
    Prompt,
    PromptOptions,
    WaterfallDialog,
    activity_to_json,
    stored_activity,
)

Find = Callable[[str], Dialog | None]

# What a dialog's instance keeps under these keys (the same in both SDKs).
DIALOGS = ComponentDialog.persisted_dialog_state  # a component's own stack
OPTIONS = "options"  # a prompt's or a waterfall's options


class StoresOptions(Protocol):
    """A component dialog whose waterfalls take options that are not plain JSON (the
    booking dialog's BookingDetails): it says how to read them back."""

    def stored_options(self, dialog_id: str, data: Any) -> Any: ...


class JsonValue(Protocol):
    def to_json(self) -> Any: ...


class DialogStateCodec:
    """Encodes and decodes the `DialogState` property of the dialogs under `root`."""

    def __init__(self, root: Dialog) -> None:
        self._root = root

    def encode(self, state: DialogState) -> dict[str, Any]:
        return _stack(state)

    def decode(self, data: dict[str, Any]) -> DialogState:
        root = self._root
        return self._stack(data, lambda dialog_id: root if dialog_id == root.id else None, None)

    def _stack(self, data: dict[str, Any], find: Find, owner: Dialog | None) -> DialogState:
        return DialogState(
            [self._instance(instance, find, owner) for instance in data.get("dialogStack", [])]
        )

    def _instance(self, data: dict[str, Any], find: Find, owner: Dialog | None) -> DialogInstance:
        dialog_id = data["id"]
        state = dict(data.get("state") or {})
        dialog = find(dialog_id)
        if isinstance(dialog, ComponentDialog) and isinstance(state.get(DIALOGS), dict):
            inner = dialog._dialogs  # both SDKs keep a component's dialogs here
            state[DIALOGS] = self._stack(state[DIALOGS], inner.find_dialog, dialog)
        elif isinstance(dialog, Prompt) and isinstance(state.get(OPTIONS), dict):
            state[OPTIONS] = _StoredPromptOptions(state[OPTIONS])
        elif isinstance(dialog, WaterfallDialog) and OPTIONS in state:
            stored_options = getattr(owner, "stored_options", None)
            if stored_options is not None:
                state[OPTIONS] = stored_options(dialog_id, state[OPTIONS])
        return DialogInstance(id=dialog_id, state=state)


def _stack(state: DialogState) -> dict[str, Any]:
    return {
        "dialogStack": [
            {"id": instance.id, "state": _value(instance.state)} for instance in state.dialog_stack
        ]
    }


# The types written as they are; checked by `type(...) in` before anything else, as most
# values of a dialog's state are of these.
_SCALARS = frozenset((str, bool, int, float, type(None)))


def _value(value: Any) -> Any:
    """`value` as plain JSON; TypeError for what has no plain form."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if isinstance(value, dict):
        return {
            str(key): item if type(item) in _SCALARS else _value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [item if type(item) in _SCALARS else _value(item) for item in value]
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, DialogState):
        return _stack(value)
    if isinstance(value, PromptOptions):
        return _options(value)
    if isinstance(value, Activity):
        return activity_to_json(value)
    to_json = getattr(value, "to_json", None)
    if to_json is not None:
        return to_json()
    raise TypeError(f"the dialog state cannot store a {type(value).__name__}")


def _options(options: PromptOptions) -> dict[str, Any]:
    stored: dict[str, Any] = {}
    unread = options.unread if isinstance(options, _StoredPromptOptions) else {}
    for key, value in (
        ("prompt", unread.get("prompt") or options.prompt),
        ("retryPrompt", unread.get("retry_prompt") or options.retry_prompt),
        ("choices", options.choices),
        ("style", options.style),
        ("validations", options.validations),
    ):
        if value is not None:
            stored[key] = _value(value)
    stored["numberOfAttempts"] = options.number_of_attempts or 0
    return stored


class _StoredActivity:
    """A prompt's activity in options read from a record: built from its JSON when the
    prompt first asks for it (to ask again). Most turns answer the prompt and never do."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, options: "_StoredPromptOptions | None", owner: type | None = None) -> Any:
        if options is None:
            return self
        data = options.unread.pop(self._name, None)
        if data is not None:
            options.__dict__[self._name] = stored_activity(data)
        return options.__dict__.get(self._name)

    def __set__(self, options: "_StoredPromptOptions", value: Activity | None) -> None:
        options.unread.pop(self._name, None)
        options.__dict__[self._name] = value


class _StoredPromptOptions(PromptOptions):
    """A waiting prompt's options as the record holds them. An activity the prompt has not
    asked for is written back as the JSON it was read from, unbuilt."""

    prompt = _StoredActivity()
    retry_prompt = _StoredActivity()

    def __init__(self, data: dict[str, Any]) -> None:
        self.unread: dict[str, dict[str, Any]] = {}
        super().__init__(
            choices=data.get("choices"),
            style=data.get("style"),
            validations=data.get("validations"),
            number_of_attempts=int(data.get("numberOfAttempts") or 0),
        )
        for name, key in (("prompt", "prompt"), ("retry_prompt", "retryPrompt")):
            if isinstance(stored := data.get(key), dict):
                self.unread[name] = stored
