"""Dialog memory on botbuilder: what the SDK's dialog contexts make on every turn, made once
or when first asked for."""

from functools import cache
from typing import Any

from botbuilder.core import ComponentRegistration, TurnContext
from botbuilder.dialogs import (
    DialogContext,
    DialogsComponentRegistration,
    DialogSet,
    DialogState,
)
from botbuilder.dialogs.memory import (
    ComponentMemoryScopesBase,
    ComponentPathResolversBase,
    DialogStateManager,
    DialogStateManagerConfiguration,
)


def prepare_dialog_turn(turn_context: TurnContext) -> None:
    """Each dialog context's state manager looks for its configuration in the turn, and
    gathers it afresh when the turn has none: the shared one is put there."""
    turn_context.turn_state.setdefault(
        DialogStateManagerConfiguration.__name__, memory_configuration()
    )


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
