"""The bot on the Microsoft 365 Agents SDK for Python (`BOT_SDK=agents`).

The names the rest of the bot takes from its SDK, and what this SDK needs done its own way:
activities to and from JSON (pydantic), the turn context, the adapter's glue (adapter.py),
the test adapter (testing.py), the LUIS client (luis.py). Nothing outside `sdk/` imports
microsoft_agents.
"""

import logging
import platform
import sys
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from typing import Any

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    ChannelAccount,
    ChannelId,
    Channels,
    ConversationAccount,
    ConversationReference,
    DeliveryModes,
    Entity,
    InputHints,
    InvokeResponse,
    ResourceResponse,
    SuggestedActions,
)
from microsoft_agents.hosting.core import (
    ActivityHandler,
    MessageFactory,
    Middleware,
    TurnContext,
)
from microsoft_agents.hosting.core import ChannelAdapter as BotAdapter
from microsoft_agents.hosting.dialogs import (
    ComponentDialog,
    ConfirmPrompt,
    DateTimePrompt,
    DateTimeResolution,
    Dialog,
    DialogContext,
    DialogInstance,
    DialogSet,
    DialogState,
    DialogTurnResult,
    DialogTurnStatus,
    Prompt,
    PromptOptions,
    PromptRecognizerResult,
    PromptValidatorContext,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)

from sdk.agents.adapter import (
    Authentication,
    SdkAdapter,
    authentication,
    patch_sdk,
    turn_context_for,
)

NAME = "agents"
DESCRIPTION = "the Microsoft 365 Agents SDK"
VERSION = version("microsoft-agents-hosting-core")
# What the SDK's own connector client says it is (its get_product_info asks for the version
# of a package that is not installed, microsoft-agents-connector, and says "unknown").
USER_AGENT_PRODUCT = (
    f"agents-sdk-py/{VERSION} python/{platform.python_version()} "
    f"{sys.platform}-{platform.machine()}/{platform.release()}"
)

__all__ = [
    "DESCRIPTION",
    "NAME",
    "USER_AGENT_PRODUCT",
    "VERSION",
    "Activity",
    "ActivityHandler",
    "ActivityTypes",
    "Attachment",
    "Authentication",
    "BotAdapter",
    "CardAction",
    "ChannelAccount",
    "ChannelId",
    "Channels",
    "ComponentDialog",
    "ConfirmPrompt",
    "ConversationAccount",
    "ConversationReference",
    "DateTimePrompt",
    "DateTimeResolution",
    "DeliveryModes",
    "Dialog",
    "DialogContext",
    "DialogInstance",
    "DialogSet",
    "DialogState",
    "DialogTurnResult",
    "DialogTurnStatus",
    "Entity",
    "InputHints",
    "InvokeResponse",
    "MessageFactory",
    "Middleware",
    "Prompt",
    "PromptOptions",
    "PromptRecognizerResult",
    "PromptValidatorContext",
    "ResourceResponse",
    "SdkAdapter",
    "SuggestedActions",
    "TextPrompt",
    "TurnContext",
    "WaterfallDialog",
    "WaterfallStepContext",
    "activity_from_json",
    "activity_to_json",
    "authentication",
    "call_next",
    "entity_fields",
    "message",
    "patch_sdk",
    "prepare_dialog_turn",
    "stored_activity",
    "turn_context_for",
]

# The SDK logs every activity it cannot read with its traceback, at ERROR; the bot refuses
# such a request with one line of its own (channel/requests.py).
logging.getLogger("microsoft_agents.activity.activity").setLevel(logging.CRITICAL)


def activity_from_json(data: dict[str, Any]) -> Activity:
    """The activity a JSON object holds; ValueError if it is not a well-formed one.

    The SDK's schema requires parts that botbuilder's reader takes without looking inside
    (an entity, an attachment, a text highlight or a reaction; `relatesTo`, `semanticAction`,
    `suggestedActions`): one the SDK cannot read (a mention whose `mentioned` is not an
    account, an attachment without `contentType`) is left out rather than refusing the
    activity. The bot reads none of them. (channel/requests.py has already read nulls and
    empty ids as absent, and refused fields of the wrong type, for both builds.)
    """
    try:
        return Activity.model_validate(data)
    except (TypeError, ValueError):  # pydantic's ValidationError is a ValueError
        pass
    try:
        return Activity.model_validate(_as_botbuilder_reads(data))
    except (TypeError, ValueError) as error:
        raise ValueError(f"not an Activity: {type(error).__name__}") from None


# The parts left out when the SDK cannot read them: items of these lists, and these fields.
_ITEMS = ("entities", "attachments", "textHighlights", "reactionsAdded", "reactionsRemoved")
_PARTS = ("relatesTo", "semanticAction", "suggestedActions")


def _as_botbuilder_reads(data: dict[str, Any]) -> dict[str, Any]:
    read = dict(data)
    for field in _ITEMS:
        if isinstance(read.get(field), list):
            read[field] = [item for item in read[field] if _readable(field, [item])]
    for field in _PARTS:
        if field in read and not _readable(field, read[field]):
            del read[field]
    return read


def _readable(field: str, value: Any) -> bool:
    try:
        Activity.model_validate({"type": ActivityTypes.message, field: value})
    except (TypeError, ValueError):
        return False
    return True


def activity_to_json(activity: Activity) -> dict[str, Any]:
    """The activity's Bot Framework JSON, as the SDK's connector client writes it."""
    return activity.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude_none=True)


def message(text: str, hint: InputHints | str) -> Activity:
    """A message activity: `text`, spoken as written, with its input hint."""
    return Activity(type=ActivityTypes.message, text=text, speak=text, input_hint=hint)


def stored_activity(data: dict[str, Any]) -> Activity:
    """An activity of the stored state (a question the bot asked)."""
    return activity_from_json(data)


def entity_fields(entity: Entity) -> dict[str, Any]:
    """The fields of an entity beyond its type (a mention's `mentioned` and `text`)."""
    fields = entity.model_dump(mode="json", by_alias=True, exclude_none=True)
    fields.pop("type", None)
    return fields


def prepare_dialog_turn(turn_context: TurnContext) -> None:
    """Nothing to prepare: the SDK's dialog contexts need nothing from the turn."""


def call_next(logic: Callable[..., Awaitable[Any]], context: TurnContext) -> Awaitable[Any]:
    """What a middleware calls to run the rest of the turn (the SDKs' signatures differ)."""
    return logic(context)
