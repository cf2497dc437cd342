"""The test adapter of the botbuilder build: botbuilder's TestAdapter, as the tests use it."""

from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter as SdkTestAdapter
from botbuilder.schema import Activity

Logic = Callable[[TurnContext], Awaitable[Any]]


class TestAdapter:
    """Runs turns of `logic` on botbuilder's TestAdapter: a user of `channel_id` talks, and
    each turn's replies come back (trace activities too, with `send_trace_activities`)."""

    __test__ = False

    def __init__(
        self, logic: Logic, *, channel_id: str = "test", send_trace_activities: bool = False
    ) -> None:
        self._adapter = SdkTestAdapter(logic, send_trace_activities=send_trace_activities)
        self._adapter.template.channel_id = channel_id

    @property
    def on_turn_error(self) -> Callable[[TurnContext, Exception], Awaitable[None]] | None:
        return self._adapter.on_turn_error

    @on_turn_error.setter
    def on_turn_error(self, handler: Callable[[TurnContext, Exception], Awaitable[None]]) -> None:
        self._adapter.on_turn_error = handler

    async def send(self, activity: str | Activity) -> list[Activity]:
        """Run one turn with a message of `activity`'s text, or with `activity` (its
        addresses filled in as the adapter's conversation); the replies it sent."""
        await self._adapter.receive_activity(activity)
        replies, self._adapter.activity_buffer = self._adapter.activity_buffer, []
        return replies

    def turn_context(self, activity: Activity) -> TurnContext:
        """A turn context of this adapter, for `activity` as it is."""
        return TurnContext(self._adapter, activity)
