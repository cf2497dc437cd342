"""An adapter whose replies stay in the process, on either SDK: the rehearsal's (replies go
nowhere) and the tests' (replies are kept)."""

from sdk import (
    Activity,
    BotAdapter,
    ConversationReference,
    ResourceResponse,
    TurnContext,
    turn_context_for,
)


class RecordingAdapter(BotAdapter):
    """Keeps what the bot sends in `sent`, or with `keep=False` nothing. `turn_context` makes
    the turn context the bot's adapter makes."""

    def __init__(self, *, keep: bool = True) -> None:
        super().__init__()
        self.keep = keep
        self.sent: list[Activity] = []

    def turn_context(self, activity: Activity) -> TurnContext:
        return turn_context_for(self, activity)

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        if self.keep:
            self.sent.extend(activities)
        return [ResourceResponse(id=f"reply-{len(self.sent)}") for _ in activities]

    async def update_activity(self, context: TurnContext, activity: Activity) -> None:
        raise NotImplementedError

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        raise NotImplementedError
