"""The bot on botbuilder-python 4.17.1, the Bot Framework SDK (the default build).

The names the rest of the bot takes from its SDK, and what this SDK needs done its own way:
activities to and from JSON, the bot's lean messages, the adapter's glue (adapter.py), the
test adapter (testing.py). Nothing outside `sdk/` imports botbuilder.
"""

import platform
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from typing import Any

from botbuilder.core import (
    ActivityHandler,
    BotAdapter,
    InvokeResponse,
    MessageFactory,
    Middleware,
    TurnContext,
)
from botbuilder.dialogs import (
    ComponentDialog,
    Dialog,
    DialogContext,
    DialogInstance,
    DialogSet,
    DialogState,
    DialogTurnResult,
    DialogTurnStatus,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import (
    ConfirmPrompt,
    DateTimePrompt,
    DateTimeResolution,
    Prompt,
    PromptOptions,
    PromptRecognizerResult,
    PromptValidatorContext,
    TextPrompt,
)
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    DeliveryModes,
    Entity,
    InputHints,
    ResourceResponse,
    SuggestedActions,
)
from botframework.connector import Channels
from msrest.exceptions import DeserializationError

from sdk.botbuilder.activity_json import from_json, to_json
from sdk.botbuilder.adapter import (
    Authentication,
    SdkAdapter,
    authentication,
    patch_sdk,
    turn_context_for,
)
from sdk.botbuilder.dialog_memory import prepare_dialog_turn
from sdk.botbuilder.message import Message, message

# A channel's id: a string here (the Agents SDK has a class for it).
ChannelId = str

NAME = "botbuilder"
DESCRIPTION = "the Bot Framework SDK (botbuilder-python)"
VERSION = version("botbuilder-core")
# What the SDK's own connector client says it is, but msrest's and botframework-connector's
# parts: replies are not sent with them.
USER_AGENT_PRODUCT = (
    f"Microsoft-BotFramework/3.1 (BotBuilder Python/{VERSION}) "
    f"python/{platform.python_version()} ({platform.platform()})"
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


def activity_from_json(data: dict[str, Any]) -> Activity:
    """The activity a JSON object holds; ValueError if it is not a well-formed one."""
    try:
        return from_json(Activity, data)
    except (DeserializationError, TypeError, ValueError, AttributeError) as error:
        raise ValueError(f"not an Activity: {type(error).__name__}") from None


def activity_to_json(activity: Activity) -> dict[str, Any]:
    """The activity's Bot Framework JSON, its empty fields left out."""
    return to_json(activity)


def stored_activity(data: dict[str, Any]) -> Activity:
    """An activity of the stored state (a question the bot asked), as a lean Message."""
    activity = activity_from_json(data)
    return Message(**{key: value for key, value in vars(activity).items() if value is not None})


def entity_fields(entity: Entity) -> dict[str, Any]:
    """The fields of an entity beyond its type (a mention's `mentioned` and `text`)."""
    return dict(entity.additional_properties or {})


def call_next(logic: Callable[..., Awaitable[Any]], context: TurnContext) -> Awaitable[Any]:
    """What a middleware calls to run the rest of the turn (the SDKs' signatures differ)."""
    return logic()
