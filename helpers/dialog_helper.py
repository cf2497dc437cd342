"""Runs a dialog for one turn, keeping its stack in conversation state."""

from functools import cache

from botbuilder.core import ComponentRegistration, StatePropertyAccessor, TurnContext
from botbuilder.dialogs import (
    Dialog,
    DialogContext,
    DialogsComponentRegistration,
    DialogSet,
    DialogTurnStatus,
)
from botbuilder.dialogs.memory import (
    ComponentMemoryScopesBase,
    ComponentPathResolversBase,
    DialogStateManagerConfiguration,
)

import telemetry


async def run_dialog(
    dialog: Dialog, turn_context: TurnContext, accessor: StatePropertyAccessor
) -> None:
    """Continue the active dialog, or start `dialog` when none is active."""
    dialog_context = await _context(dialog, turn_context, accessor)
    results = await dialog_context.continue_dialog()
    if results.status == DialogTurnStatus.Empty:
        await dialog_context.begin_dialog(dialog.id)
    telemetry.dialog_waiting(dialog_context)


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
    # Each dialog context's state manager looks for its configuration here, and gathers it
    # afresh when the turn has none.
    turn_context.turn_state.setdefault(
        DialogStateManagerConfiguration.__name__, memory_configuration()
    )
    return await dialog_set.create_context(turn_context)


@cache
def memory_configuration() -> DialogStateManagerConfiguration:
    """The memory scopes and path resolvers of the registered components, which the SDK
    gathers on every turn. They keep nothing of a turn, so all turns can share them."""
    ComponentRegistration.add(DialogsComponentRegistration())
    components = list(ComponentRegistration.get_components())
    configuration = DialogStateManagerConfiguration()
    for component in components:
        if isinstance(component, ComponentMemoryScopesBase):
            configuration.memory_scopes.extend(component.get_memory_scopes())
        if isinstance(component, ComponentPathResolversBase):
            configuration.path_resolvers.extend(component.get_path_resolvers())
    return configuration
