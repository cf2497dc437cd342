"""Runs a dialog for one turn, keeping its stack in conversation state."""

from typing import Any, Protocol

import telemetry
from sdk import Dialog, DialogContext, DialogSet, DialogTurnStatus, TurnContext, prepare_dialog_turn


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


async def run_dialog(dialog: Dialog, turn_context: TurnContext, accessor: StateProperty) -> None:
    """Continue the active dialog, or start `dialog` when none is active."""
    dialog_context = await _context(dialog, turn_context, accessor)
    results = await dialog_context.continue_dialog()
    if results.status == DialogTurnStatus.Empty:
        await dialog_context.begin_dialog(dialog.id)
    telemetry.dialog_waiting(dialog_context)


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
