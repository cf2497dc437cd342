from datetime import datetime
from enum import Enum
from typing import Any

from msrest.serialization import Model

class ActivityTypes(str, Enum):
    message = "message"
    conversation_update = "conversationUpdate"
    installation_update = "installationUpdate"
    typing = "typing"
    end_of_conversation = "endOfConversation"
    event = "event"
    invoke = "invoke"
    invoke_response = "invokeResponse"
    delete_user_data = "deleteUserData"
    message_update = "messageUpdate"
    message_delete = "messageDelete"
    message_reaction = "messageReaction"
    trace = "trace"

class DeliveryModes(str, Enum):
    normal = "normal"
    notification = "notification"
    expect_replies = "expectReplies"
    ephemeral = "ephemeral"

class InputHints(str, Enum):
    accepting_input = "acceptingInput"
    ignoring_input = "ignoringInput"
    expecting_input = "expectingInput"

class ActionTypes(str, Enum):
    open_url = "openUrl"
    im_back = "imBack"
    post_back = "postBack"
    message_back = "messageBack"

class ChannelAccount(Model):
    id: str
    name: str
    aad_object_id: str
    role: str
    properties: Any
    def __init__(
        self,
        *,
        id: str | None = None,
        name: str | None = None,
        aad_object_id: str | None = None,
        role: str | None = None,
        properties: Any = None,
        **kwargs: Any,
    ) -> None: ...

class ConversationAccount(Model):
    is_group: bool
    conversation_type: str
    id: str
    name: str
    aad_object_id: str
    role: str
    tenant_id: str
    properties: Any
    def __init__(
        self,
        *,
        is_group: bool | None = None,
        conversation_type: str | None = None,
        id: str | None = None,
        name: str | None = None,
        aad_object_id: str | None = None,
        role: str | None = None,
        tenant_id: str | None = None,
        properties: Any = None,
        **kwargs: Any,
    ) -> None: ...

class CardAction(Model):
    type: str
    title: str
    image: str
    text: str
    display_text: str
    value: Any
    channel_data: Any
    def __init__(
        self,
        *,
        type: str | None = None,
        title: str | None = None,
        image: str | None = None,
        text: str | None = None,
        display_text: str | None = None,
        value: Any = None,
        channel_data: Any = None,
        **kwargs: Any,
    ) -> None: ...

class SuggestedActions(Model):
    to: list[str]
    actions: list[CardAction]
    def __init__(
        self, *, to: list[str] | None = None, actions: list[CardAction] | None = None, **kwargs: Any
    ) -> None: ...

class Attachment(Model):
    content_type: str
    content_url: str
    content: Any
    name: str
    thumbnail_url: str
    def __init__(
        self,
        *,
        content_type: str | None = None,
        content_url: str | None = None,
        content: Any = None,
        name: str | None = None,
        thumbnail_url: str | None = None,
        **kwargs: Any,
    ) -> None: ...

class Entity(Model):
    type: str
    def __init__(self, *, type: str | None = None, **kwargs: Any) -> None: ...

class Mention(Model):
    mentioned: ChannelAccount
    text: str
    type: str
    def __init__(
        self,
        *,
        mentioned: ChannelAccount | None = None,
        text: str | None = None,
        type: str | None = None,
        **kwargs: Any,
    ) -> None: ...

class CardImage(Model):
    url: str
    alt: str
    tap: CardAction
    def __init__(
        self,
        *,
        url: str | None = None,
        alt: str | None = None,
        tap: CardAction | None = None,
        **kwargs: Any,
    ) -> None: ...

class HeroCard(Model):
    title: str
    subtitle: str
    text: str
    images: list[CardImage]
    buttons: list[CardAction]
    tap: CardAction
    def __init__(
        self,
        *,
        title: str | None = None,
        subtitle: str | None = None,
        text: str | None = None,
        images: list[CardImage] | None = None,
        buttons: list[CardAction] | None = None,
        tap: CardAction | None = None,
        **kwargs: Any,
    ) -> None: ...

class ResourceResponse(Model):
    id: str
    def __init__(self, *, id: str | None = None, **kwargs: Any) -> None: ...

class ConversationReference(Model):
    activity_id: str
    user: ChannelAccount
    bot: ChannelAccount
    conversation: ConversationAccount
    channel_id: str
    locale: str
    service_url: str
    def __init__(
        self,
        *,
        activity_id: str | None = None,
        user: ChannelAccount | None = None,
        bot: ChannelAccount | None = None,
        conversation: ConversationAccount | None = None,
        channel_id: str | None = None,
        locale: str | None = None,
        service_url: str | None = None,
        **kwargs: Any,
    ) -> None: ...

class Activity(Model):
    type: str
    id: str | None
    timestamp: datetime
    local_timestamp: datetime
    local_timezone: str
    service_url: str
    channel_id: str
    from_property: ChannelAccount
    conversation: ConversationAccount
    recipient: ChannelAccount
    text_format: str
    attachment_layout: str
    members_added: list[ChannelAccount]
    members_removed: list[ChannelAccount]
    locale: str
    text: str
    speak: str
    input_hint: str
    summary: str
    suggested_actions: SuggestedActions
    attachments: list[Attachment]
    entities: list[Entity]
    channel_data: Any
    action: str
    reply_to_id: str
    label: str
    value_type: str
    value: Any
    name: str
    relates_to: ConversationReference
    code: str
    expiration: datetime
    importance: str
    delivery_mode: str
    listen_for: list[str]
    caller_id: str
    def __init__(
        self,
        *,
        type: str | None = None,
        id: str | None = None,
        timestamp: datetime | None = None,
        local_timestamp: datetime | None = None,
        local_timezone: str | None = None,
        service_url: str | None = None,
        channel_id: str | None = None,
        from_property: ChannelAccount | None = None,
        conversation: ConversationAccount | None = None,
        recipient: ChannelAccount | None = None,
        text_format: str | None = None,
        attachment_layout: str | None = None,
        members_added: list[ChannelAccount] | None = None,
        members_removed: list[ChannelAccount] | None = None,
        locale: str | None = None,
        text: str | None = None,
        speak: str | None = None,
        input_hint: str | None = None,
        summary: str | None = None,
        suggested_actions: SuggestedActions | None = None,
        attachments: list[Attachment] | None = None,
        entities: list[Entity] | None = None,
        channel_data: Any = None,
        action: str | None = None,
        reply_to_id: str | None = None,
        label: str | None = None,
        value_type: str | None = None,
        value: Any = None,
        name: str | None = None,
        relates_to: ConversationReference | None = None,
        code: str | None = None,
        expiration: datetime | None = None,
        importance: str | None = None,
        delivery_mode: str | None = None,
        listen_for: list[str] | None = None,
        caller_id: str | None = None,
        **kwargs: Any,
    ) -> None: ...
    def get_conversation_reference(self) -> ConversationReference: ...
    def apply_conversation_reference(
        self, reference: ConversationReference, is_incoming: bool = False
    ) -> Activity: ...
    def create_reply(self, text: str | None = None, locale: str | None = None) -> Activity: ...
