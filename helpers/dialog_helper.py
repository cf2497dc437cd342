"""Runs a dialog for one turn, keeping its stack in conversation state."""

from botbuilder.core import StatePropertyAccessor, TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogSet, DialogTurnStatus


async def run_dialog(
    dialog: Dialog, turn_context: TurnContext, accessor: StatePropertyAccessor
) -> None:
    """Continue the active dialog, or start `dialog` when none is active."""
    dialog_context = await _context(dialog, turn_context, accessor)
    results = await dialog_context.continue_dialog()
    if results.status == DialogTurnStatus.Empty:
        await dialog_context.begin_dialog(dialog.id)


async def repeat_question(
    dialog: Dialog, turn_context: TurnContext, accessor: StatePropertyAccessor
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
    dialog: Dialog, turn_context: TurnContext, accessor: StatePropertyAccessor
) -> DialogContext:
    dialog_set = DialogSet(accessor)
    dialog_set.add(dialog)
    return await dialog_set.create_context(turn_context)
