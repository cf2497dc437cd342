"""Dialog memory on botbuilder: what the SDK's dialog contexts make on every turn, made once
or when first asked for."""

from functools import cache

from botbuilder.core import ComponentRegistration, TurnContext
from botbuilder.dialogs import DialogContext, DialogsComponentRegistration
from botbuilder.dialogs.memory import (
    ComponentMemoryScopesBase,
    ComponentPathResolversBase,
    DialogStateManager,
    DialogStateManagerConfiguration,
)

from sdk.dialog_memory import on_first_use


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


def make_dialog_memory_on_first_use() -> None:
    """Dialog contexts make their memory when first asked for it (sdk/dialog_memory.py)."""
    on_first_use(DialogContext, DialogStateManager)
