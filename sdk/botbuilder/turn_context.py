"""The turn context our adapter hands to the bot: the SDK's, with cheaper sends.

TurnContext.send_activities deep-copies every activity before addressing it, so that the
caller's object is left as it was. Addressing only sets the activity's own fields (channel,
conversation, sender, recipient, reply-to, type, input hint, id), so a shallow copy protects
the caller just as well; the deep copy was about a seventh of a turn's instructions. The
replies of a turn share one copy of the addresses (unless send handlers could change them). The
SDK's version also ties each send into a reference cycle that only the garbage collector
frees; this one does not, unless send handlers are registered.
"""

from copy import copy

from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ConversationReference,
    DeliveryModes,
    InputHints,
    ResourceResponse,
)


class ShallowCopyTurnContext(TurnContext):
    _reference: ConversationReference | None = None

    async def send_activities(self, activities: list[Activity]) -> list[ResourceResponse]:
        if self._on_send_activities:
            # Handlers may change a send's addresses: each send gets its own, as in the SDK.
            reference = TurnContext.get_conversation_reference(self.activity)
            outgoing = [_addressed(copy(activity), reference) for activity in activities]
            return await self._emit(self._on_send_activities, outgoing, self._deliver(outgoing))
        # Otherwise the incoming activity's addresses are copied once a turn, not once a send.
        if self._reference is None:
            self._reference = TurnContext.get_conversation_reference(self.activity)
        return await self._deliver([_addressed(copy(a), self._reference) for a in activities])

    async def _deliver(self, activities: list[Activity]) -> list[ResourceResponse]:
        if self.activity.delivery_mode == DeliveryModes.expect_replies:
            self.buffered_reply_activities.extend(activities)
            for activity in activities:
                if activity.type == ActivityTypes.invoke_response:
                    self.turn_state[TurnContext._INVOKE_RESPONSE_KEY] = activity
            responses = [ResourceResponse() for _ in activities]
        else:
            responses = await self.adapter.send_activities(self, activities)
        if any(activity.type != ActivityTypes.trace for activity in activities):
            self.responded = True
        return responses


def _addressed(activity: Activity, reference: ConversationReference) -> Activity:
    TurnContext.apply_conversation_reference(activity, reference)
    activity.type = activity.type or ActivityTypes.message
    activity.input_hint = activity.input_hint or InputHints.accepting_input
    activity.id = None
    return activity
