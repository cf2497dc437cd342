"""Dialog contexts that make their memory when first asked for it, on either SDK.

Both SDKs' DialogContext makes a DialogStateManager (its `state`, the dialog memory) as it is
made. A turn makes six or so dialog contexts, and nothing in this bot reads their memory.
Each one the SDK made tied its context into a reference cycle that held the whole turn (the
activity, the dialog stack, its prompts' activities: about 75 objects) until the garbage
collector ran: under load, a pause of 10 to 20 ms every couple of hundred turns.
"""

from typing import Any


class _StateOnFirstUse:
    """`DialogContext.state`, made when first read; then kept in the context as before."""

    def __init__(self, manager: type) -> None:
        self._manager = manager

    def __get__(self, context: Any, owner: type | None = None) -> Any:
        if context is None:
            return self
        manager = context.__dict__["state"] = self._manager(context)
        return manager


def _context_without_state(self: Any, dialog_set: Any, turn_context: Any, state: Any) -> None:
    """The SDKs' DialogContext.__init__ (botbuilder-dialogs 4.17,
    microsoft-agents-hosting-dialogs 1.9: the same lines), but for `state`."""
    if dialog_set is None:
        raise TypeError("DialogContext(): dialog_set cannot be None.")
    if turn_context is None:
        raise TypeError("DialogContext(): turn_context cannot be None.")
    self._turn_context = turn_context
    self._dialogs = dialog_set
    self._stack = state.dialog_stack
    self.services = {}
    self.parent = None


def on_first_use(dialog_context: type, state_manager: type) -> None:
    """Make `dialog_context` (an SDK's DialogContext) make its `state` (a `state_manager`)
    when first asked for it, not when it is made."""
    dialog_context.__init__ = _context_without_state  # type: ignore[misc]  # on purpose
    dialog_context.state = _StateOnFirstUse(state_manager)  # type: ignore[attr-defined]
