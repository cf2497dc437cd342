"""Reading the activity in a request to /api/messages, and refusing, in one line and with a
short reason, a request the bot cannot take."""

import json
import logging
import re
from http import HTTPStatus
from typing import Any

from aiohttp import web
from yarl import URL

import telemetry
from sdk import Activity, activity_from_json

# Refusals are logged under the adapter's name, where they were logged before this module
# was split from it: operators' log filters key on it.
logger = logging.getLogger("adapter_with_error_handler")


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


def error_response(
    status: HTTPStatus, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    """An answer whose JSON body says what went wrong: `{"error": message}`."""
    return web.json_response({"error": message}, status=status, headers=headers)


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
        # Not json.loads(raw): it would take UTF-16 and UTF-32 too (JSON over HTTP is UTF-8).
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body is not UTF-8") from None
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body is not valid JSON") from None
    return parse_activity(body)


def parse_activity(body: object) -> Activity:
    """The activity in a parsed JSON body, or InvalidRequest naming what is wrong with it.

    The JSON is checked before the SDK reads it, so that both builds refuse the same requests
    with the same reasons (msrest turns a number into text where pydantic refuses it)."""
    if not isinstance(body, dict):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body must be a JSON object (an Activity)")
    body = as_both_builds_read(body)
    conversation = body.get("conversation")
    missing = [
        name
        for name, value in (
            ("type", body.get("type")),
            ("channelId", body.get("channelId")),
            ("serviceUrl", body.get("serviceUrl")),
            ("conversation.id", conversation.get("id") if isinstance(conversation, dict) else None),
        )
        if value is None or value == "" or (name != "serviceUrl" and not isinstance(value, str))
    ]
    if missing:
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, f"the Activity lacks {', '.join(missing)}")
    _check_addresses(body)
    try:
        return activity_from_json(body)
    except ValueError:
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "the body is not a valid Activity") from None


# The Activity's fields that hold text in the Bot Framework schema (times as ISO 8601 text),
# and those of an account (`from`, `recipient`, a member) and of `conversation`. `serviceUrl`
# has a check of its own (`_check_addresses`).
TEXT_FIELDS = frozenset(
    (
        "type", "id", "channelId", "text", "speak", "locale", "replyToId", "name",
        "deliveryMode", "inputHint", "textFormat", "attachmentLayout", "callerId",
        "localTimezone", "summary", "importance", "valueType", "label", "topicName", "action",
        "code", "timestamp", "localTimestamp", "expiration",
    )
)  # fmt: skip
ACCOUNT_TEXT_FIELDS = frozenset(
    ("id", "name", "aadObjectId", "role", "tenantId", "conversationType", "agenticUserId",
     "agenticAppId")
)  # fmt: skip
ACCOUNTS = ("from", "recipient", "conversation")
OBJECTS = ("relatesTo", "semanticAction", "suggestedActions")
# Fields that hold a list, and what each item must be.
LISTS: dict[str, type] = {
    "entities": dict,
    "attachments": dict,
    "membersAdded": dict,
    "membersRemoved": dict,
    "reactionsAdded": dict,
    "reactionsRemoved": dict,
    "textHighlights": dict,
    "listenFor": str,
}
# Times, which botbuilder reads only with a time of day (msrest: ISO 8601 date and time).
TIME_FIELDS = frozenset(("timestamp", "localTimestamp", "expiration"))
# Text that may be empty; in any other text field, "" says nothing and is read as absent.
MAY_BE_EMPTY = frozenset(("text", "speak"))


def as_both_builds_read(body: dict[str, Any]) -> dict[str, Any]:
    """The activity as both builds read it, whichever SDK is below: a null, or an empty string
    where the schema wants a name, an id or a code, is read as absent (msrest reads both as
    they are, pydantic refuses them); a field of the wrong JSON type is refused (msrest turns
    a number or a list into text, pydantic refuses it)."""
    read: dict[str, Any] = {}
    for key, value in body.items():
        if key in TEXT_FIELDS:
            value = _text(key, value, key in MAY_BE_EMPTY)
            if key in TIME_FIELDS and value is not None and "T" not in value:
                raise InvalidRequest(
                    HTTPStatus.BAD_REQUEST, f"{key} must be an ISO 8601 date and time"
                )
        elif key in ACCOUNTS:
            value = _account(key, value)
        elif key in LISTS:
            value = _list(key, value, LISTS[key])
        elif key in OBJECTS and value is not None and not isinstance(value, dict):
            raise InvalidRequest(HTTPStatus.BAD_REQUEST, f"{key} must be an object")
        if value is not None:
            read[key] = value
    return read


def _text(name: str, value: object, may_be_empty: bool = False) -> str | None:
    if value is None or (value == "" and not may_be_empty):
        return None
    if not isinstance(value, str):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, f"{name} must be a string")
    return value


def _account(name: str, value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, f"{name} must be an object")
    read: dict[str, Any] = {}
    for key, field in value.items():
        if key in ACCOUNT_TEXT_FIELDS:
            field = _text(f"{name}.{key}", field)
        elif key == "isGroup" and field is not None and not isinstance(field, bool):
            raise InvalidRequest(HTTPStatus.BAD_REQUEST, f"{name}.isGroup must be true or false")
        if field is not None:
            read[key] = field
    return read


def _list(name: str, value: object, item_type: type) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, f"{name} must be a list")
    if any(item is not None and not isinstance(item, item_type) for item in value):
        kind = "objects" if item_type is dict else "strings"
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, f"{name} must be a list of {kind}")
    if name in ("membersAdded", "membersRemoved"):
        return [_account(f"{name}[]", item) for item in value if item is not None]
    return [item for item in value if item is not None]


CHANNEL_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The longest id a channel sends is Teams' (a group chat's conversation id with its message
# id, a few hundred characters): an id longer than these is no channel's, and would be kept
# in the state's keys and the logs.
MAX_ID = 1024
MAX_SERVICE_URL = 2048


def _check_addresses(body: dict[str, Any]) -> None:
    """Refuse, before any turn runs, what the turn could not be stored under or answered at."""
    # A channel id is part of the state's keys (`{channelId}/conversations/{id}`): with a
    # "/" in it, two conversations could share one state.
    if not CHANNEL_ID.fullmatch(body["channelId"]):
        raise InvalidRequest(
            HTTPStatus.BAD_REQUEST, "channelId must be a name of letters, digits, '.', '_' and '-'"
        )
    if not is_http_url(body["serviceUrl"]):
        raise InvalidRequest(HTTPStatus.BAD_REQUEST, "serviceUrl must be an http(s) URL")
    ids = {
        "id": body.get("id"),
        "conversation.id": body["conversation"]["id"],
        "from.id": _account_id(body.get("from")),
        "recipient.id": _account_id(body.get("recipient")),
        "replyToId": body.get("replyToId"),
    }
    unusable = [
        name for name, value in ids.items() if isinstance(value, str) and not is_unicode(value)
    ]
    if unusable:
        raise InvalidRequest(
            HTTPStatus.BAD_REQUEST, f"{', '.join(unusable)}: not valid Unicode (a lone surrogate)"
        )
    too_long = [
        name for name, value in ids.items() if isinstance(value, str) and len(value) > MAX_ID
    ]
    if len(body["serviceUrl"]) > MAX_SERVICE_URL:
        too_long.insert(0, "serviceUrl")
    if too_long:
        raise InvalidRequest(
            HTTPStatus.BAD_REQUEST,
            f"{', '.join(too_long)}: longer than any channel sends ({MAX_ID} characters for an "
            f"id, {MAX_SERVICE_URL} for serviceUrl)",
        )


def _account_id(account: object) -> object:
    return account.get("id") if isinstance(account, dict) else None


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
