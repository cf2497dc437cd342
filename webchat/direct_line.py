"""A local stand-in for Azure's Direct Line channel, for the chat page in development mode.

Web Chat (with `webSocket: false`) talks to it with the Direct Line 3.0 REST calls it uses:
get a token, start the conversation, post an activity, poll activities after a watermark.
Each activity goes to the bot through the adapter, exactly as an Emulator's POST to
/api/messages does; the bot's replies come back over HTTP to this same service, which plays
the Bot Connector at `serviceUrl` and keeps them for the next poll.

There is no authentication with the bot: these routes exist only while `MicrosoftAppId` is
unset, when /api/messages accepts anyone too.
"""

import functools
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from aiohttp import web

import telemetry
from adapter_with_error_handler import AdapterWithErrorHandler, Bot
from channel.requests import InvalidRequest, parse_activity, refused
from sdk import ActivityTypes
from serving import AccessLog
from webchat.conversations import Conversation, Conversations, TooManyConversations

logger = logging.getLogger(__name__)

CHANNEL_ID = "directline"
BOT_ACCOUNT = {"id": "corebot", "name": "Core Bot", "role": "bot"}

Handler = Callable[["DirectLine", web.Request], Awaitable[web.Response]]


def _refusals_answered(handler: Handler) -> Handler:
    """Answer a refusal raised in the handler with its status and `{"error": ...}`."""

    @functools.wraps(handler)
    async def answer(self: "DirectLine", request: web.Request) -> web.Response:
        try:
            return await handler(self, request)
        except InvalidRequest as error:
            return refused(error)

    return answer


class DirectLine:
    """The Direct Line REST subset Web Chat needs, and the Bot Connector routes the bot's
    replies arrive on."""

    def __init__(
        self,
        adapter: AdapterWithErrorHandler,
        bot: Bot,
        conversations: Conversations | None = None,
    ) -> None:
        self._adapter = adapter
        self._bot = bot
        self.conversations = conversations or Conversations()

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v3/directline/tokens/generate", self.generate_token)
        router.add_post("/v3/directline/tokens/refresh", self.refresh_token)
        router.add_post("/v3/directline/conversations", self.start_conversation)
        router.add_post("/v3/directline/conversations/{conversation}/activities", self.post)
        router.add_get("/v3/directline/conversations/{conversation}/activities", self.activities)
        # The Bot Connector API, as BotConnector calls it at serviceUrl.
        router.add_post("/v3/conversations/{conversation}/activities", self.from_bot)
        router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self.from_bot)

    @_refusals_answered
    async def generate_token(self, request: web.Request) -> web.Response:
        """A token for one new conversation (Azure's needs the channel secret; none here)."""
        try:
            conversation = self.conversations.issue(request.remote or "")
        except TooManyConversations as full:
            raise InvalidRequest(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"too many conversations are open; try again in {full.retry_after} seconds",
                {"Retry-After": str(full.retry_after)},
            ) from None
        return web.json_response(self._describe(conversation))

    @_refusals_answered
    async def refresh_token(self, request: web.Request) -> web.Response:
        conversation = self._conversation_of(request)
        self.conversations.refresh(conversation)
        return web.json_response(self._describe(conversation))

    @_refusals_answered
    async def start_conversation(self, request: web.Request) -> web.Response:
        """Start the token's conversation: the bot hears that the user joined, and greets.

        Web Chat sends `{"user": {"id": ...}, "locale": ...}`; without a user id one is made
        up. Starting again answers 200 with the same conversation and greets no more.
        """
        conversation = self._conversation_of(request)
        body = await _json_body(request, required=False) or {}
        if not isinstance(body, dict):
            raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body must be a JSON object")
        async with conversation.lock:
            if conversation.started:
                return web.json_response(self._describe(conversation))
            conversation.user = _user(body.get("user"))
            joined: dict[str, Any] = {
                "type": ActivityTypes.conversation_update,
                "membersAdded": [BOT_ACCOUNT, conversation.user],
            }
            if isinstance(body.get("locale"), str) and body["locale"]:
                joined["locale"] = body["locale"]
            activity = _to_bot(conversation, joined, _own_url(request))
            activity["id"] = f"{conversation.id}|start"
            await self._deliver(conversation, activity)
        return web.json_response(self._describe(conversation), status=HTTPStatus.CREATED)

    @_refusals_answered
    async def post(self, request: web.Request) -> web.Response:
        """The user's activity: into the transcript, then to the bot; its replies are in the
        transcript by the time this answers."""
        conversation = self._conversation_of(request, request.match_info["conversation"])
        if not conversation.started:
            raise InvalidRequest(HTTPStatus.CONFLICT, "the conversation has not been started")
        body = await _json_body(request, required=True)
        if not isinstance(body, dict):
            raise InvalidRequest(
                HTTPStatus.BAD_REQUEST, "the body must be a JSON object (an Activity)"
            )
        async with conversation.lock:
            activity = _to_bot(conversation, body, _own_url(request))
            parse_activity(activity)  # refuses what the bot could not take, before it is kept
            activity["id"] = conversation.add(_as_seen_by_client(activity))
            invoke_response = await self._deliver(conversation, activity)
        return invoke_response or web.json_response({"id": activity["id"]})

    @_refusals_answered
    async def activities(self, request: web.Request) -> web.Response:
        """A page of the activities after `watermark` (from the first without one), and the
        watermark to poll from next."""
        conversation = self._conversation_of(request, request.match_info["conversation"])
        raw = request.query.get("watermark", "") or "0"
        watermark = int(raw) if re.fullmatch("[0-9]{1,9}", raw) else -1
        if not 0 <= watermark <= conversation.watermark:
            raise InvalidRequest(
                HTTPStatus.BAD_REQUEST,
                f"watermark must be a whole number from 0 to {conversation.watermark}",
            )
        return web.Response(
            body=conversation.since(watermark).json(), content_type="application/json"
        )

    @_refusals_answered
    async def from_bot(self, request: web.Request) -> web.Response:
        """The bot's reply, posted by BotConnector to serviceUrl: kept for the next poll."""
        conversation = self.conversations.get(request.match_info["conversation"])
        if conversation is None:
            raise InvalidRequest(HTTPStatus.NOT_FOUND, "no such conversation")
        body = await _json_body(request, required=True)
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body must be an Activity with a type")
        activity_id = conversation.add(_as_seen_by_client({**body, "timestamp": _now()}))
        return web.json_response({"id": activity_id})

    async def _deliver(
        self, conversation: Conversation, activity: dict[str, Any]
    ) -> web.Response | None:
        """Hand the activity to the bot. An invoke is answered with the bot's invoke response,
        whatever its status, as /api/messages answers it."""
        response = await self._adapter.receive(parse_activity(activity), "", self._bot)
        if activity["type"] == ActivityTypes.invoke:
            return response
        if response.status >= 400:
            logger.warning(
                "The bot answered %s to an activity of a Web Chat conversation", response.status
            )
            raise InvalidRequest(HTTPStatus.BAD_GATEWAY, "the bot could not take the activity")
        return None

    def _conversation_of(self, request: web.Request, wanted: str | None = None) -> Conversation:
        """The conversation of the request's bearer token, which must be `wanted` if given."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise InvalidRequest(HTTPStatus.UNAUTHORIZED, "a Direct Line token is required")
        conversation = self.conversations.with_token(token.strip())
        if conversation is None:
            raise InvalidRequest(HTTPStatus.FORBIDDEN, "the token is not valid or has expired")
        if wanted is not None and conversation.id != wanted:
            if self.conversations.get(wanted) is None:
                raise InvalidRequest(HTTPStatus.NOT_FOUND, "no such conversation")
            raise InvalidRequest(HTTPStatus.FORBIDDEN, "the token is for another conversation")
        return conversation

    def _describe(self, conversation: Conversation) -> dict[str, Any]:
        return {
            "conversationId": conversation.id,
            "token": conversation.token,
            "expires_in": self.conversations.expires_in(conversation),
        }


def _to_bot(conversation: Conversation, body: dict[str, Any], service_url: str) -> dict[str, Any]:
    """The client's activity as the bot receives it: the conversation, channel, user and bot
    are the service's to say, not the client's."""
    assert conversation.user is not None
    activity = {key: value for key, value in body.items() if key != "id"}
    sender = body.get("from")
    if not isinstance(sender, dict):
        sender = {}
    activity.update(
        channelId=CHANNEL_ID,
        serviceUrl=service_url,
        conversation={"id": conversation.id},
        recipient=BOT_ACCOUNT,
        timestamp=_now(),
    )
    activity["from"] = {**sender, **conversation.user, "role": "user"}
    return activity


def _as_seen_by_client(activity: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in activity.items() if key != "serviceUrl"}


def _user(requested: object) -> dict[str, str]:
    """The user's account: the id Web Chat asked for, if it is a sensible one."""
    if isinstance(requested, dict):
        user_id = requested.get("id")
        if isinstance(user_id, str) and 0 < len(user_id) <= 64 and user_id.isprintable():
            return {"id": user_id, "name": "You"}
    return {"id": f"dl_{secrets.token_hex(8)}", "name": "You"}


def _own_url(request: web.Request) -> str:
    """This service's address as the request reached it (not the Host header, which the
    client chooses): where the bot is to send its replies."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if not sockname:
        raise InvalidRequest(HTTPStatus.SERVICE_UNAVAILABLE, "the connection is closing")
    host, port = sockname[0], sockname[1]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


async def _json_body(request: web.Request, *, required: bool) -> object:
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise InvalidRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "the body is too large") from None
    if not raw and not required:
        return None
    if request.content_type != "application/json":
        raise InvalidRequest(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json"
        )
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body is not valid JSON") from None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


CONVERSATIONS_PATH = "/v3/directline/conversations/"


class QuietPollsAccessLogger(AccessLog):
    """The access log without Web Chat's polls that succeed (an open page polls three times a
    second), and with a conversation's id in a path logged as its hash."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        in_conversation = request.path.startswith(CONVERSATIONS_PATH)
        if in_conversation and request.method == "GET" and response.status == HTTPStatus.OK:
            return
        if in_conversation:
            conversation, _, rest = request.path[len(CONVERSATIONS_PATH) :].partition("/")
            hidden = f"{CONVERSATIONS_PATH}{telemetry.hashed(conversation)}{'/' if rest else ''}"
            path = request.rel_url.with_path(hidden + rest).with_query(request.query_string)
            request = request.clone(rel_url=path)
        super().log(request, response, time)
