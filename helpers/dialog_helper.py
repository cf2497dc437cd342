"""Runs a dialog for one turn, keeping its stack in conversation state."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import telemetry
from helpers.phrases import is_greeting
from sdk import (
    ActivityTypes,
    Dialog,
    DialogContext,
    DialogSet,
    DialogTurnStatus,
    TurnContext,
    prepare_dialog_turn,
)

# Set while a dialog starts in order to read the turn's message as the answer to its first
# question: False until that question is reached (and left unsaid), then True.
_ANSWERING_FIRST_QUESTION = "corebot.answering_first_question"


class StateProperty(Protocol):
    """Where the dialog stack is kept (storage.bot_state.StateProperty; the SDKs' dialog
    sets read it through `get`)."""

    async def get(
        self,
        turn_context: TurnContext,
        default_value_or_factory: Any = None,
        *,
        target_cls: Any = None,
    ) -> Any: ...

    async def set(self, turn_context: TurnContext, value: Any) -> None: ...

    async def delete(self, turn_context: TurnContext) -> None: ...


async def run_dialog(
    dialog: Dialog,
    turn_context: TurnContext,
    accessor: StateProperty,
    greet: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Continue the active dialog, or start `dialog` when none is active.

    With none active (a channel that announced nobody, or the conversation's state lost), a
    message is the answer to the dialog's first question, which goes unsaid; a greeting
    alone gets `greet`, then the question.
    """
    dialog_context = await _context(dialog, turn_context, accessor)
    results = await dialog_context.continue_dialog()
    if results.status == DialogTurnStatus.Empty:
        await _start(dialog_context, dialog, greet)
    telemetry.dialog_waiting(dialog_context)


async def _start(
    dialog_context: DialogContext, dialog: Dialog, greet: Callable[[], Awaitable[None]] | None
) -> None:
    turn_context = dialog_context.context
    text = turn_context.activity.text
    if turn_context.activity.type != ActivityTypes.message or not isinstance(text, str):
        await dialog_context.begin_dialog(dialog.id)
        return
    if not text.strip() or is_greeting(text):
        if greet is not None:
            await greet()
        await dialog_context.begin_dialog(dialog.id)
        return
    turn_state = turn_context.turn_state
    turn_state[_ANSWERING_FIRST_QUESTION] = False
    try:
        await dialog_context.begin_dialog(dialog.id)
        reached = turn_state[_ANSWERING_FIRST_QUESTION]
    finally:
        del turn_state[_ANSWERING_FIRST_QUESTION]
    # A dialog that said something else first (no recognizer configured) asked its own
    # question: the message stays unread rather than taken for an answer to that.
    if reached:
        await dialog_context.continue_dialog()


def leave_first_question_unsaid(turn_context: TurnContext) -> bool:
    """For a dialog's first prompt: True (once per turn) when the turn's message is already
    the answer to it, so the prompt must not be sent."""
    if turn_context.turn_state.get(_ANSWERING_FIRST_QUESTION) is False:
        turn_context.turn_state[_ANSWERING_FIRST_QUESTION] = True
        return True
    return False


async def repeat_question(
    dialog: Dialog, turn_context: TurnContext, accessor: StateProperty
) -> None:
    """Ask the pending prompt again without reading this turn's message.

    With no dialog active, `dialog` starts and asks its first question.
    """
    dialog_context = await _context(dialog, turn_context, accessor)
    if dialog_context.active_dialog is None:
        await dialog_context.begin_dialog(dialog.id)
    else:
        await dialog_context.reprompt_dialog()


async def _context(
    dialog: Dialog, turn_context: TurnContext, accessor: StateProperty
) -> DialogContext:
    dialog_set = DialogSet(accessor)
    dialog_set.add(dialog)
    prepare_dialog_turn(turn_context)
    return await dialog_set.create_context(turn_context)
