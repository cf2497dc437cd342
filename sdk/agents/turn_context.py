"""The turn context our adapter hands to the bot on the Agents SDK: the SDK's, with cheaper
sends, and `expectReplies` answered from the context, as botbuilder's does.

The SDK's TurnContext.send_activities deep-copies every activity (a pydantic model: its
whole tree) before addressing it, so that the caller's object stays as it was. Addressing
only sets the activity's own fields, so a shallow copy protects the caller as well. The
SDK buffers the replies of an `expectReplies` turn in its adapter; botbuilder, and so the
bot's adapter (written once for both), expects the turn context to.
"""

from copy import copy

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ConversationReference,
    DeliveryModes,
    InputHints,
    ResourceResponse,
)
from microsoft_agents.hosting.core import ChannelAdapter, TurnContext


class ShallowCopyTurnContext(TurnContext):
    _reference: ConversationReference | None = None

    async def send_activities(self, activities: list[Activity]) -> list[ResourceResponse]:
        if self._on_send_activities:
            # Handlers may change a send's addresses: each send gets its own, as in the SDK.
            reference = self.activity.get_conversation_reference()
            outgoing = [_addressed(copy(activity), reference) for activity in activities]
            return await self._emit(
                self._on_send_activities, outgoing, lambda: self._deliver(outgoing)
            )
        if self._reference is None:
            self._reference = self.activity.get_conversation_reference()
        return await self._deliver([_addressed(copy(a), self._reference) for a in activities])

    async def _deliver(self, activities: list[Activity]) -> list[ResourceResponse]:
        if self.activity.delivery_mode == DeliveryModes.expect_replies:
            self.buffered_reply_activities.extend(activities)
            for activity in activities:
                if activity.type == ActivityTypes.invoke_response:
                    self.turn_state[ChannelAdapter.INVOKE_RESPONSE_KEY] = activity
            responses = [ResourceResponse() for _ in activities]
        else:
            responses = await self.adapter.send_activities(self, activities)
        if any(activity.type != ActivityTypes.trace for activity in activities):
            self.responded = True
        return responses


def _addressed(activity: Activity, reference: ConversationReference) -> Activity:
    activity.apply_conversation_reference(reference)
    activity.type = activity.type or ActivityTypes.message
    activity.input_hint = activity.input_hint or InputHints.accepting_input
    activity.id = None
    return activity
