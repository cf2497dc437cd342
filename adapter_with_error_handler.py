"""The Bot Framework adapter: authenticates each activity, runs its turn, recovers from errors."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Protocol

from aiohttp import web

import telemetry
from channel.connector import BotConnector, DeliveryFailed
from channel.conversation_turns import REDELIVERED, ConversationTurns
from channel.requests import InvalidRequest, error_response, read_activity, refused
from channel.signing_keys import SigningKeysUnavailable
from helpers.message_helper import question
from sdk import (
    Activity,
    ActivityTypes,
    Authentication,
    Channels,
    ConversationReference,
    DeliveryModes,
    ResourceResponse,
    SdkAdapter,
    TurnContext,
    activity_to_json,
)
from storage.bot_state import ConversationState
from storage.errors import StateConflict, StorageUnreachable

logger = logging.getLogger(__name__)

TURN_ATTEMPTS = 3  # runs of one turn whose state save lost a race, before the user is asked
WITHHELD = "corebot.withheld_replies"  # turn_state: replies held until the state is saved
CONFLICT = "corebot.state_conflict"  # turn_state: the StateConflict that ended the turn


class Bot(Protocol):
    """What runs a turn: the bot (an ActivityHandler)."""

    async def on_turn(self, turn_context: TurnContext) -> None: ...


class AdapterWithErrorHandler(SdkAdapter):
    """The SDK's CloudAdapter, hardened; replies go out through `connector`. What the SDKs do
    differently (authentication, the turn context, the reply's token) is `SdkAdapter`'s,
    in sdk/<build>/adapter.py; the rest is written once, here.

    `show_error_details`: send exception texts to the Emulator's inspector. Only for local
    development with authentication off; a deployed bot never reveals them.
    """

    def __init__(
        self,
        auth: Authentication,
        conversation_state: ConversationState,
        *,
        connector: BotConnector,
        show_error_details: bool = False,
    ) -> None:
        super().__init__(auth)
        self._conversation_state = conversation_state
        self.connector = connector
        self._show_error_details = show_error_details
        self.turns = ConversationTurns()
        self.on_turn_error = self._on_turn_error

    # Without the SDK's ws_response: this adapter serves no web sockets.
    async def process(self, request: web.Request, bot: Bot) -> web.Response:  # type: ignore[override, unused-ignore]
        """Handle one POST to /api/messages.

        Unlike the SDK's version: a malformed or unauthenticated request gets a 4xx with a
        short reason instead of a 500; the turns of one conversation run one at a time in
        arrival order; a re-delivered activity is not processed again; and `expectReplies`
        answers are serialized once, not twice.
        """
        try:
            activity = await read_activity(request)
        except InvalidRequest as error:
            return refused(error)
        return await self.receive(activity, request.headers.get("Authorization", ""), bot)

    async def receive(self, activity: Activity, auth_header: str, bot: Bot) -> web.Response:
        """Authenticate one incoming activity and run its turn; the answer /api/messages gives.

        The local Direct Line (`webchat/`) hands its activities here too, so they take the same
        path as the Emulator's.
        """
        try:
            authenticated = await self._authenticate(activity, auth_header)
        except InvalidRequest as error:
            return refused(error)
        conversation = f"{activity.channel_id}/{activity.conversation.id}"
        async with self.turns.turn(conversation):
            if self.turns.is_repeat(conversation, activity.id):
                return already_processed(activity)
            try:
                context = await self.run_turn(activity, authenticated, bot.on_turn)
            except Redelivered:
                return already_processed(activity)
            except Exception:
                # Errors inside the turn go to on_turn_error; this is the SDK's setup around it.
                logger.exception("Could not set up a turn")
                return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
        return self.answer(context)

    async def run_turn(
        self, activity: Activity, authenticated: Any, logic: Callable[[TurnContext], Awaitable]
    ) -> TurnContext:
        """Run the turn's logic through the middleware, and send its replies.

        Replies are held back until the turn's state is saved. When the save loses a race
        (another instance, or another turn, saved the conversation since this turn read it),
        the held replies are dropped and the turn runs again on the fresh state; after
        TURN_ATTEMPTS the user is asked to send the message again. Either way nothing the user
        sees comes from a turn whose state was not kept: a booking is never lost or made twice.
        """
        for attempt in range(1, TURN_ATTEMPTS + 1):
            context = await self.turn_context(activity, authenticated, logic)
            context.turn_state[WITHHELD] = []
            await self.run_pipeline(context, logic)
            if context.turn_state.get(REDELIVERED):
                raise Redelivered  # the stored state says so: perhaps another instance ran it
            conflict = context.turn_state.get(CONFLICT)
            if conflict is None:
                break
            telemetry.state_conflict()
            logger.warning(
                "Turn of conversation %s not saved (attempt %d of %d): %s",
                telemetry.conversation_of(activity),
                attempt,
                TURN_ATTEMPTS,
                conflict,
            )
        else:
            logger.warning(
                "Gave up the turn of conversation %s; the user is asked to send it again",
                telemetry.conversation_of(activity),
            )
            telemetry.outcome("state_conflict")
            await self._ask_to_repeat(
                context, "Sorry, I lost track of that message. Please send it again."
            )
        try:
            await self._release_replies(context)
        except DeliveryFailed as error:
            # The turn's state is saved, and stays: the booking is not lost with the replies.
            logger.warning(
                "Replies of conversation %s not delivered (the state of the turn is kept): %s",
                telemetry.conversation_of(activity),
                error,
            )
        return context

    def answer(self, context: TurnContext) -> web.Response:
        """The HTTP answer to the turn's request: its replies for `expectReplies`, an invoke's
        response (501 when the bot gave none), else 201."""
        activity = context.activity
        if activity.delivery_mode == DeliveryModes.expect_replies:
            replies = [activity_to_json(reply) for reply in context.buffered_reply_activities]
            return web.json_response({"activities": replies}, status=HTTPStatus.OK)
        if activity.type == ActivityTypes.invoke:
            result = self.invoke_result(context)
            if result is None:
                return web.Response(status=HTTPStatus.NOT_IMPLEMENTED)
            status, body = result
            return web.json_response(body, status=status)
        return web.Response(status=HTTPStatus.CREATED)

    async def _authenticate(self, activity: Activity, header: str) -> Any:
        try:
            return await self.authenticate(activity, header)
        except SigningKeysUnavailable:
            raise InvalidRequest(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "the token cannot be checked at the moment",
                {"Retry-After": "30"},
            ) from None
        except Exception as error:
            # The SDKs signal a bad token with PermissionError, PyJWT errors and bare Exceptions.
            logger.warning("Authentication failed: %s", type(error).__name__)
            raise InvalidRequest(HTTPStatus.UNAUTHORIZED, "authentication failed") from None

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        """As the SDK does, but through our connector: bounded in time, no thread per call.
        While the turn's replies are held back, they are only collected."""
        withheld = _withheld(context)
        responses = []
        failed: DeliveryFailed | None = None
        for activity in activities:
            if withheld is not None and activity.type != ActivityTypes.invoke_response:
                withheld.append(activity)
                responses.append(ResourceResponse())
                continue
            activity.id = None
            response = None
            if activity.type == "delay":
                milliseconds = activity.value if isinstance(activity.value, int | float) else 1000
                await asyncio.sleep(milliseconds / 1000)
            elif activity.type == ActivityTypes.invoke_response:
                self.keep_invoke_response(context, activity)
            elif activity.type == ActivityTypes.trace and activity.channel_id != Channels.emulator:
                pass  # traces are for the Emulator only
            else:
                try:
                    response = await self.connector.send(activity, self.reply_auth(context))
                except DeliveryFailed as error:
                    failed = failed or error  # the turn's other replies are still sent
            responses.append(response or ResourceResponse())
        if failed is not None:
            raise failed
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> Any:
        response = await self.connector.update(activity, self.reply_auth(context))
        return response if response.id else None

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        if not reference.activity_id or reference.conversation is None:
            raise TypeError("delete_activity: the reference names no activity")
        await self.connector.delete(
            reference.service_url or context.activity.service_url,
            reference.conversation.id,
            reference.activity_id,
            self.reply_auth(context),
        )

    async def _release_replies(self, context: TurnContext) -> None:
        """Send the replies held back during the turn."""
        withheld = _withheld(context)
        context.turn_state.pop(WITHHELD, None)
        if withheld:
            await self.send_activities(context, withheld)

    async def _ask_to_repeat(self, context: TurnContext, text: str) -> None:
        """Replace what the last, unsaved run of the turn said with a request to say it again."""
        context.turn_state[WITHHELD] = []
        context.buffered_reply_activities.clear()
        await context.send_activity(question(text))

    async def _on_turn_error(self, turn_context: TurnContext, error: Exception) -> None:
        """Tell the user, then forget the conversation so nobody stays stuck in a broken state.

        Whatever else fails on the way is added to the one log record of the error. A lost
        race for the state is no error: `run_turn` runs the turn again. When the store
        cannot be reached, the user is asked to try again and the stored state is kept.
        """
        if isinstance(error, StateConflict):
            turn_context.turn_state[CONFLICT] = error
            return
        if isinstance(error, StorageUnreachable):
            telemetry.outcome("storage_unreachable")
            # Deleting the state would only wait for the store again, and the state is fine.
            logger.warning(
                "Turn of conversation %s not done: %s",
                telemetry.conversation_of(turn_context.activity),
                error,
            )
            await self._ask_to_repeat(
                turn_context,
                "Sorry, I can't reach my memory right now. Please try again in a moment.",
            )
            return
        telemetry.outcome("error", error)
        problems = []
        # When the channel is not answering, the user cannot be told.
        if not isinstance(error, DeliveryFailed):
            problems.append(await self._tell_user(turn_context, error))
        problems.append(await self._forget_conversation(turn_context))
        also = "".join(f"; {problem}" for problem in problems if problem)
        if isinstance(error, DeliveryFailed):
            logger.warning("A turn ended early: %s%s", error, also)
        else:
            logger.error("Unhandled error in a turn%s", also, exc_info=error)

    async def _tell_user(self, turn_context: TurnContext, error: Exception) -> str | None:
        try:
            await turn_context.send_activity("The bot encountered an error or bug.")
            await turn_context.send_activity(
                "To continue to run this bot, please fix the bot source code."
            )
            if self._show_error_details and turn_context.activity.channel_id == Channels.emulator:
                await turn_context.send_activity(error_trace(error))
        except Exception as failure:
            return f"the user could not be told: {failure}"
        return None

    async def _forget_conversation(self, turn_context: TurnContext) -> str | None:
        try:
            await self._conversation_state.delete(turn_context)
        except Exception as failure:
            return f"the conversation state could not be deleted: {failure}"
        return None


def _withheld(context: TurnContext) -> list[Activity] | None:
    """The turn's replies held back until its state is saved; None once they are released."""
    withheld = context.turn_state.get(WITHHELD)
    return withheld if isinstance(withheld, list) else None


def error_trace(error: Exception) -> Activity:
    """The trace activity the Emulator shows in its inspector."""
    return Activity(
        type=ActivityTypes.trace,
        timestamp=datetime.now(UTC),
        name="on_turn_error Trace",
        label="TurnError",
        value=f"{error}",
        value_type="https://www.botframework.com/schemas/error",
    )


class Redelivered(Exception):
    """The turn found its activity among those the conversation has answered."""


def already_processed(activity: Activity) -> web.Response:
    """The answer to a re-delivered activity: accepted, with nothing more to say."""
    logger.info(
        "Skipped activity %s: it was delivered before",
        telemetry.conversation_hash(activity.channel_id, activity.id),
    )
    if activity.delivery_mode == DeliveryModes.expect_replies:
        return web.json_response({"activities": []})
    return web.Response(status=HTTPStatus.OK)
