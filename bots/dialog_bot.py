"""A bot that runs one dialog and saves its state once per turn."""

from http import HTTPStatus
from typing import Any

from channel.conversation_turns import RecentActivities
from helpers.dialog_helper import repeat_question, run_dialog
from helpers.message_helper import statement
from helpers.user_text import clean, is_too_long
from sdk import (
    Activity,
    ActivityHandler,
    ActivityTypes,
    Dialog,
    InvokeResponse,
    TurnContext,
    entity_fields,
)
from storage.bot_state import BotState, ConversationState, UserState
from storage.dialog_state import DialogStateCodec


class DialogBot(ActivityHandler):
    """`recent_activities`: remember in the conversation's state which activities were
    answered, and skip those that come again (for a store that instances share)."""

    def __init__(
        self,
        conversation_state: ConversationState,
        user_state: UserState,
        dialog: Dialog,
        *,
        recent_activities: RecentActivities | None = None,
    ) -> None:
        self.conversation_state = conversation_state
        self.user_state = user_state
        self.dialog = dialog
        self.dialog_state = conversation_state.create_property(
            "DialogState", DialogStateCodec(dialog)
        )
        self.recent_activities = recent_activities

    async def on_turn(self, turn_context: TurnContext) -> None:
        if self.recent_activities and await self.recent_activities.is_repeat(turn_context):
            return
        activity = turn_context.activity
        if activity.type == ActivityTypes.delete_user_data:
            await self.forget(turn_context)
            return
        if activity.type == ActivityTypes.message and isinstance(activity.text, str):
            if is_too_long(activity.text):
                await self.refuse_long_message(turn_context)
                await self.save(turn_context)
                return
            activity.text = clean(without_bot_mention(activity))
        await super().on_turn(turn_context)
        await self.save(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await run_dialog(
            self.dialog, turn_context, self.dialog_state, lambda: self.greet(turn_context)
        )

    async def greet(self, turn_context: TurnContext) -> None:
        """What comes before the first question to someone who says hello with no
        conversation going: nothing here."""

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """This bot handles no invoke: each gets its answer, and nothing else happens.

        The SDK's own handling fails on some (`signin/tokenExchange`, a malformed
        `adaptiveCard/action`), and a failed turn would reset the conversation.
        """
        activity = turn_context.activity
        if activity.name == "adaptiveCard/action":
            refusal = card_action_refusal(activity.value)
            if refusal is not None:
                return InvokeResponse(status=HTTPStatus.BAD_REQUEST, body=refusal)
        return InvokeResponse(status=HTTPStatus.NOT_IMPLEMENTED)

    async def refuse_long_message(self, turn_context: TurnContext) -> None:
        """Say so, and ask the pending question again: nothing the user gave is lost."""
        await turn_context.send_activity(
            statement(
                "Sorry, that message is too long for me. Please keep it under 1000 characters."
            )
        )
        await repeat_question(self.dialog, turn_context, self.dialog_state)

    async def forget(self, turn_context: TurnContext) -> None:
        """deleteUserData: remove what is stored about this user and this conversation.

        Without `from.id` the user is unknown (the SDK's UserState would raise): only the
        conversation is forgotten.
        """
        sender = turn_context.activity.from_property
        states: list[BotState] = [self.conversation_state]
        if sender is not None and sender.id:
            states.append(self.user_state)
        for state in states:
            await state.delete(turn_context)

    async def save(self, turn_context: TurnContext) -> None:
        if self.recent_activities and turn_context.responded:
            await self.recent_activities.remember(turn_context)
        await self.conversation_state.save_changes(turn_context)
        await self.user_state.save_changes(turn_context)


def without_bot_mention(activity: Activity) -> str:
    """The message's text without the bot's @mention (`<at>Core Bot</at> help`), which Teams
    leaves in the text and names in a `mention` entity.

    The SDK's `TurnContext.remove_recipient_mention` reads the name as a regular expression,
    and fails on an entity without `mentioned`.
    """
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        if not bot_id or not isinstance(entity.type, str) or entity.type.lower() != "mention":
            continue
        fields = entity_fields(entity)
        mentioned, written = fields.get("mentioned"), fields.get("text")
        if isinstance(mentioned, dict) and mentioned.get("id") == bot_id and written:
            text = text.replace(str(written), "").strip()
    return text


def card_action_refusal(value: object) -> dict[str, Any] | None:
    """The Universal Actions error for an `adaptiveCard/action` value that is not a well-formed
    `Action.Execute` (the checks and texts of the SDK's ActivityHandler), or None."""
    if value is None:
        return _card_action_error("BadRequest", "Missing value property")
    if not isinstance(value, dict):
        return _card_action_error("BadRequest", "Value property is not properly formed")
    action = value.get("action")
    if action is None:
        return _card_action_error("BadRequest", "Missing action property")
    if not isinstance(action, dict):
        return _card_action_error("BadRequest", "Value property is not properly formed")
    if action.get("type") != "Action.Execute":
        return _card_action_error(
            "NotSupported", f"The action '{action.get('type')}' is not supported."
        )
    return None


def _card_action_error(code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": HTTPStatus.BAD_REQUEST,
        "type": "application/vnd.microsoft.error",
        "value": {"code": code, "message": message},
    }
