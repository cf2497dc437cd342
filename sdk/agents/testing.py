"""The test adapter of the agents build: the Agents SDK's TestAdapter
(microsoft-agents-testing), as the tests use it."""

from collections.abc import Awaitable, Callable
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import ClaimsIdentity, TurnContext
from microsoft_agents.testing import TestAdapter as SdkTestAdapter

Logic = Callable[[TurnContext], Awaitable[Any]]


class TestAdapter:
    """Runs turns of `logic` on the Agents SDK's TestAdapter: a user of `channel_id` talks,
    and each turn's replies come back (trace activities only with `send_trace_activities`,
    as botbuilder's TestAdapter does)."""

    __test__ = False

    def __init__(
        self, logic: Logic, *, channel_id: str = "test", send_trace_activities: bool = False
    ) -> None:
        self._adapter = SdkTestAdapter(channel_id=channel_id)
        self._logic = logic
        self._traces = send_trace_activities

    @property
    def on_turn_error(self) -> Callable[[TurnContext, Exception], Awaitable[None]] | None:
        return self._adapter.on_turn_error

    @on_turn_error.setter
    def on_turn_error(self, handler: Callable[[TurnContext, Exception], Awaitable[None]]) -> None:
        self._adapter.on_turn_error = handler

    async def send(self, activity: str | Activity) -> list[Activity]:
        """Run one turn with a message of `activity`'s text, or with `activity` (its
        addresses filled in as the adapter's conversation); the replies it sent."""
        if isinstance(activity, str):
            activity = Activity(type=ActivityTypes.message, text=activity)
        await self._adapter.process_activity(ClaimsIdentity({}), activity, self._logic)
        replies = list(self._adapter.activity_queue)
        self._adapter.activity_queue.clear()
        return [reply for reply in replies if self._traces or reply.type != ActivityTypes.trace]

    def turn_context(self, activity: Activity) -> TurnContext:
        """A turn context of this adapter, for `activity` as it is."""
        return TurnContext(self._adapter, activity)
