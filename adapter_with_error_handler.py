"""The Bot Framework adapter: checks each request, runs the turn, and recovers from errors."""

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import (
    Bot,
    BotAdapter,
    ConversationState,
    InvokeResponse,
    TurnContext,
    serializer_helper,
)
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ConversationReference,
    DeliveryModes,
    ResourceResponse,
)
from botframework.connector import Channels, ConnectorClient
from botframework.connector.auth import (
    AppCredentials,
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from msrest.exceptions import DeserializationError
from msrest.serialization import Model
from yarl import URL

import telemetry
from channel.activity_json import from_json, to_json
from channel.connector import BotConnector, DeliveryFailed
from channel.conversation_turns import REDELIVERED, ConversationTurns
from channel.sdk_clients import SdkClients
from channel.signing_keys import SigningKeysUnavailable
from channel.turn_context import ShallowCopyTurnContext
from helpers.message_helper import question
from storage.errors import StateConflict, StorageUnreachable

logger = logging.getLogger(__name__)

TURN_ATTEMPTS = 3  # runs of one turn whose state save lost a race, before the user is asked
WITHHELD = "corebot.withheld_replies"  # turn_state: replies held until the state is saved
CONFLICT = "corebot.state_conflict"  # turn_state: the StateConflict that ended the turn


class AdapterWithErrorHandler(CloudAdapter):
    """The SDK's CloudAdapter, hardened; replies go out through `connector`.

    `show_error_details`: send exception texts to the Emulator's inspector. Only for local
    development with authentication off; a deployed bot never reveals them.
    """

    def __init__(
        self,
        auth: BotFrameworkAuthentication,
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
        self._clients = SdkClients(auth)
        self.on_turn_error = self._on_turn_error

    async def process(self, request: web.Request, bot: Bot) -> web.Response:
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
                invoke_response = await self.process_activity(authenticated, activity, bot.on_turn)
            except Redelivered:
                return already_processed(activity)
            except Exception:
                # Errors inside the turn go to on_turn_error; this is the SDK's setup around it.
                logger.exception("Could not set up a turn")
                return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
        if invoke_response is None:
            return web.Response(status=HTTPStatus.CREATED)
        body = invoke_response.body
        if isinstance(body, Model):
            body = serializer_helper(body)
        return web.json_response(body, status=invoke_response.status)

    async def process_activity(
        self,
        auth_header_or_authenticate_request_result: str | AuthenticateRequestResult,
        activity: Activity,
        logic: Callable[[TurnContext], Awaitable],
    ) -> InvokeResponse | None:
        """As the SDK does, but with the turn's SDK clients reused across turns, replies
        written to JSON by `to_json`, and races for the conversation's state handled.

        Replies are held back until the turn's state is saved. When the save loses a race
        (another instance, or another turn, saved the conversation since this turn read it),
        the held replies are dropped and the turn runs again on the fresh state; after
        TURN_ATTEMPTS the user is asked to send the message again. Either way nothing the user
        sees comes from a turn whose state was not kept: a booking is never lost or made twice.
        """
        result = auth_header_or_authenticate_request_result
        if isinstance(result, str):
            result = await self.bot_framework_authentication.authenticate_request(activity, result)
        activity.caller_id = result.caller_id
        for attempt in range(1, TURN_ATTEMPTS + 1):
            context = self._create_turn_context(
                activity,
                result.claims_identity,
                result.audience,
                await self._clients.connector_client(result, activity.service_url),
                await self._clients.user_token_client(result.claims_identity),
                logic,
                result.connector_factory,
            )
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
                activity.conversation.id,
                attempt,
                TURN_ATTEMPTS,
                conflict,
            )
        else:
            logger.warning(
                "Gave up the turn of conversation %s; the user is asked to send it again",
                activity.conversation.id,
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
                activity.conversation.id,
                error,
            )
        if activity.delivery_mode == DeliveryModes.expect_replies:
            replies = [to_json(reply) for reply in context.buffered_reply_activities]
            return InvokeResponse(status=HTTPStatus.OK, body={"activities": replies})
        return self._process_turn_results(context)

    def _create_turn_context(
        self,
        activity: Activity,
        claims_identity: ClaimsIdentity,
        oauth_scope: str,
        connector_client: ConnectorClient,
        user_token_client: UserTokenClient,
        logic: Callable[[TurnContext], Awaitable],
        connector_factory: ConnectorFactory,
    ) -> TurnContext:
        """As the SDK does, with our turn context."""
        context = ShallowCopyTurnContext(self, activity)
        context.turn_state[self.BOT_IDENTITY_KEY] = claims_identity
        context.turn_state[self.BOT_CONNECTOR_CLIENT_KEY] = connector_client
        context.turn_state[self.USER_TOKEN_CLIENT_KEY] = user_token_client
        context.turn_state[self.BOT_CALLBACK_HANDLER_KEY] = logic
        context.turn_state[self.CONNECTOR_FACTORY_KEY] = connector_factory
        context.turn_state[self.BOT_OAUTH_SCOPE_KEY] = oauth_scope
        return context

    async def _authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        try:
            return await self.bot_framework_authentication.authenticate_request(activity, header)
        except SigningKeysUnavailable:
            raise InvalidRequest(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "the token cannot be checked at the moment",
                {"Retry-After": "30"},
            ) from None
        except Exception as error:
            # The SDK signals a bad token with PermissionError, PyJWT errors and bare Exceptions.
            logger.warning("Authentication failed: %s", type(error).__name__)
            raise InvalidRequest(HTTPStatus.UNAUTHORIZED, "authentication failed") from None

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        """As the SDK does, but through our connector: bounded in time, no thread per call.
        While the turn's replies are held back, they are only collected."""
        withheld = context.turn_state.get(WITHHELD)
        responses = []
        for activity in activities:
            if withheld is not None and activity.type != ActivityTypes.invoke_response:
                withheld.append(activity)
                responses.append(ResourceResponse(id=""))
                continue
            activity.id = None
            response = None
            if activity.type == "delay":
                await asyncio.sleep((activity.value or 1000) / 1000)
            elif activity.type == ActivityTypes.invoke_response:
                context.turn_state[self._INVOKE_RESPONSE_KEY] = activity
            elif activity.type == ActivityTypes.trace and activity.channel_id != Channels.emulator:
                pass  # traces are for the Emulator only
            else:
                response = await self.connector.send(activity, _credentials(context))
            responses.append(response or ResourceResponse(id=""))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity):
        response = await self.connector.update(activity, _credentials(context))
        return response if response.id else None

    async def delete_activity(self, context: TurnContext, reference: ConversationReference):
        await self.connector.delete(
            reference.service_url or context.activity.service_url,
            reference.conversation.id,
            reference.activity_id,
            _credentials(context),
        )

    async def _release_replies(self, context: TurnContext) -> None:
        """Send the replies held back during the turn."""
        withheld = context.turn_state.pop(WITHHELD, None)
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
        race for the state is no error: `process_activity` runs the turn again. When the store
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
                turn_context.activity.conversation.id,
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
            # BotState.delete forgets nothing unless the state was loaded this turn.
            await self._conversation_state.load(turn_context)
            await self._conversation_state.delete(turn_context)
        except Exception as failure:
            return f"the conversation state could not be deleted: {failure}"
        return None


def _credentials(context: TurnContext) -> AppCredentials | None:
    """The credentials the SDK made for this turn's connector (empty when auth is off)."""
    client = context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
    return client.config.credentials if client is not None else None


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


def error_response(
    status: HTTPStatus, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


class Redelivered(Exception):
    """The turn found its activity among those the conversation has answered."""


def already_processed(activity: Activity) -> web.Response:
    """The answer to a re-delivered activity: accepted, with nothing more to say."""
    logger.info("Skipped activity %s: it was delivered before", activity.id)
    if activity.delivery_mode == DeliveryModes.expect_replies:
        return web.json_response({"activities": []})
    return web.Response(status=HTTPStatus.OK)


class InvalidRequest(Exception):
    """A request refused before any turn runs; the message says why in one line."""

    def __init__(
        self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers


def refused(error: InvalidRequest) -> web.Response:
    """The answer to a refused request, logged in one line."""
    logger.info("Refused a request: %s %s", error.status.value, error)
    telemetry.refused(error.status.value)
    return error_response(error.status, str(error), error.headers)


async def read_activity(request: web.Request) -> Activity:
    """The activity in the request body, or InvalidRequest naming what is wrong with it."""
    if request.content_type != "application/json":
        raise InvalidRequest(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json"
        )
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise InvalidRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the body is too large") from None
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body is not valid JSON") from None
    return parse_activity(body)


def parse_activity(body: object) -> Activity:
    """The activity in a parsed JSON body, or InvalidRequest naming what is wrong with it."""
    if not isinstance(body, dict):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body must be a JSON object (an Activity)")
    try:
        activity = from_json(Activity, body)
    except (DeserializationError, TypeError, ValueError, AttributeError):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body is not a valid Activity") from None
    missing = [
        name
        for name, value in (
            ("type", activity.type),
            ("channelId", activity.channel_id),
            ("serviceUrl", activity.service_url),
            ("conversation.id", activity.conversation and activity.conversation.id),
        )
        if not isinstance(value, str) or not value
    ]
    if missing:
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, f"the Activity lacks {', '.join(missing)}")
    _check_addresses(body, activity)
    return activity


CHANNEL_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _check_addresses(body: dict[str, Any], activity: Activity) -> None:
    """Refuse, before any turn runs, what the turn could not be stored under or answered at."""
    # A channel id is part of the state's keys (`{channelId}/conversations/{id}`): with a
    # "/" in it, two conversations could share one state.
    if not CHANNEL_ID.fullmatch(activity.channel_id):
        raise InvalidRequest(
            HTTPStatus.BAD_REQUEST, "channelId must be a name of letters, digits, '.', '_' and '-'"
        )
    # The raw value: msrest turns a number or a list into text.
    if not is_http_url(body.get("serviceUrl")):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "serviceUrl must be an http(s) URL")
    ids = {
        "id": activity.id,
        "conversation.id": activity.conversation.id,
        "from.id": activity.from_property and activity.from_property.id,
        "recipient.id": activity.recipient and activity.recipient.id,
        "replyToId": activity.reply_to_id,
    }
    unusable = [
        name for name, value in ids.items() if isinstance(value, str) and not is_unicode(value)
    ]
    if unusable:
        raise InvalidRequest(
            HTTPStatus.BAD_REQUEST, f"{', '.join(unusable)}: not valid Unicode (a lone surrogate)"
        )


def is_http_url(value: object) -> bool:
    """Whether `value` is an absolute http(s) URL with a host and a usable port."""
    if not isinstance(value, str):
        return False
    try:
        url = URL(value)
    except (ValueError, UnicodeError):
        return False
    return url.scheme in ("http", "https") and bool(url.host) and url.port != 0


def is_unicode(text: str) -> bool:
    """Whether `text` can be written as UTF-8 (JSON lets a string hold a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
