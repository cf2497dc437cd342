from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference, ResourceResponse

class TestAdapter(BotAdapter):
    activity_buffer: list[Activity]
    template: Activity
    def __init__(
        self,
        logic: Callable[[TurnContext], Awaitable[Any]] | None = None,
        template_or_conversation: Activity | ConversationReference | None = None,
        send_trace_activities: bool = False,
    ) -> None: ...
    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]: ...
    async def update_activity(self, context: TurnContext, activity: Activity) -> Any: ...
    async def delete_activity(
        self, context: TurnContext, reference: ConversationReference
    ) -> Any: ...
    async def receive_activity(self, activity: str | Activity) -> TurnContext: ...
    async def process_activity(
        self, activity: Activity, logic: Callable[[TurnContext], Awaitable[Any]]
    ) -> Any: ...
    def get_next_activity(self) -> Activity: ...
    def create_turn_context(self, activity: Activity) -> TurnContext: ...
    async def send(self, user_says: str | Activity) -> TestFlow: ...
    async def test(
        self,
        user_says: str | Activity,
        expected: Any,
        description: str | None = None,
        timeout: float | None = None,
    ) -> TestFlow: ...

class TestFlow:
    async def send(self, user_says: str | Activity) -> TestFlow: ...
    async def assert_reply(
        self,
        expected: Any,
        description: str | None = None,
        timeout: float | None = None,
        is_substring: bool = False,
    ) -> TestFlow: ...
    async def assert_no_reply(
        self, description: str | None = None, timeout: float | None = None
    ) -> TestFlow: ...
