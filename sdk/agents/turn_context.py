"""The turn context our adapter hands to the bot on the Agents SDK: the SDK's, with cheaper
sends, and `expectReplies` answered from the context, as botbuilder's does.

The SDK's TurnContext.send_activities deep-copies every activity (a pydantic model: its
whole tree) before addressing it, so that the caller's object stays as it was. Addressing
only sets the activity's own fields, so a shallow copy protects the caller as well. The
SDK buffers the replies of an `expectReplies` turn in its adapter; botbuilder, and so the
bot's adapter (written once for both), expects the turn context to. And replies are
addressed as botbuilder addresses them, so that the channel gets the same requests from
either build: as new activities of the conversation, not replies to one, on Direct Line and
Web Chat and to a conversation update (the Agents SDK replies to messages there).
"""

from copy import copy

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    Channels,
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
            reference = reply_reference(self.activity)
            outgoing = [_addressed(copy(activity), reference) for activity in activities]
            return await self._emit(
                self._on_send_activities, outgoing, lambda: self._deliver(outgoing)
            )
        if self._reference is None:
            self._reference = reply_reference(self.activity)
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


def reply_reference(activity: Activity) -> ConversationReference:
    """Where replies to `activity` go: its conversation; in reply to it, unless it is a
    conversation update or came through Direct Line or Web Chat (botbuilder's rule)."""
    if activity.recipient is None:
        # The SDK's reference must name the bot's account; botbuilder's replies to an
        # activity addressed to no one come from no one, and so do these.
        placeholder = activity.model_copy(update={"recipient": ChannelAccount(id="bot")})
        reference = placeholder.get_conversation_reference().model_copy(update={"agent": None})
    else:
        reference = activity.get_conversation_reference()
    if activity.type == ActivityTypes.conversation_update or activity.channel_id in (
        Channels.direct_line,
        Channels.webchat,
    ):
        reference.activity_id = None
    return reference


def _addressed(activity: Activity, reference: ConversationReference) -> Activity:
    activity.apply_conversation_reference(reference)
    activity.type = activity.type or ActivityTypes.message
    activity.input_hint = activity.input_hint or InputHints.accepting_input
    activity.id = None
    return activity
