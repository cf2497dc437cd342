"""Runs a dialog for one turn, keeping its stack in conversation state."""

from functools import cache
from typing import Any

from botbuilder.core import ComponentRegistration, StatePropertyAccessor, TurnContext
from botbuilder.dialogs import (
    Dialog,
    DialogContext,
    DialogsComponentRegistration,
    DialogSet,
    DialogState,
    DialogTurnStatus,
)
from botbuilder.dialogs.memory import (
    ComponentMemoryScopesBase,
    ComponentPathResolversBase,
    DialogStateManager,
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


class _StateOnFirstUse:
    """`DialogContext.state`, made when first read; then kept in the context as before."""

    def __get__(self, context: DialogContext | None, owner: type | None = None) -> Any:
        if context is None:
            return self
        manager = context.__dict__["state"] = DialogStateManager(context)
        return manager


def _context_without_state(
    self: DialogContext, dialog_set: DialogSet, turn_context: TurnContext, state: DialogState
) -> None:
    """The SDK's DialogContext.__init__ (botbuilder-dialogs 4.17), but for `state`."""
    if dialog_set is None:
        raise TypeError("DialogContext(): dialog_set cannot be None.")
    if turn_context is None:
        raise TypeError("DialogContext(): turn_context cannot be None.")
    self._turn_context = turn_context
    self._dialogs = dialog_set
    self._stack = state.dialog_stack
    self.services = {}
    self.parent = None


def make_dialog_memory_on_first_use() -> None:
    """Dialog contexts make their memory (`DialogContext.state`, a DialogStateManager) when
    first asked for it, not when they are made.

    A turn makes six or so dialog contexts, and nothing in this bot reads their memory. Each
    one the SDK made tied its context into a reference cycle that held the whole turn (the
    activity, the dialog stack, its prompts' activities: about 75 objects) until the garbage
    collector ran: under load, a pause of 10 to 20 ms every couple of hundred turns.
    """
    DialogContext.__init__ = _context_without_state  # type: ignore[method-assign]  # on purpose
    DialogContext.state = _StateOnFirstUse()  # type: ignore[assignment]  # a lazy attribute
