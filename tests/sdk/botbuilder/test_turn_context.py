"""ShallowCopyTurnContext sends what the SDK's TurnContext sends, and leaves the caller's
activity as it was."""

import gc

import pytest
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    ChannelAccount,
    ConversationAccount,
    SuggestedActions,
)

from sdk.botbuilder.activity_json import to_json
from sdk.botbuilder.turn_context import ShallowCopyTurnContext
from sdk.recording import RecordingAdapter


def incoming(delivery_mode: str | None = None) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        id="incoming-1",
        text="hello",
        channel_id="emulator",
        service_url="http://127.0.0.1:9/",
        locale="en-GB",
        conversation=ConversationAccount(id="conversation-1"),
        from_property=ChannelAccount(id="user-1", name="User"),
        recipient=ChannelAccount(id="bot-1", name="Bot"),
        delivery_mode=delivery_mode,
    )


def outgoing() -> list[Activity]:
    card = Attachment(content_type="application/vnd.microsoft.card.adaptive", content={"a": [1]})
    suggested = SuggestedActions(actions=[CardAction(type="imBack", title="Yes", value="Yes")])
    return [
        MessageFactory.text("What can I help you with today?", input_hint="expectingInput"),
        MessageFactory.attachment(card),
        Activity(text="no type, no hint"),
        Activity(type=ActivityTypes.message, text="Yes or no?", suggested_actions=suggested),
        Activity(type=ActivityTypes.trace, name="trace", value={"x": 1}, label="Turn Error"),
        Activity(type="typing", id="caller-id", reply_to_id="elsewhere"),
    ]


@pytest.mark.parametrize("delivery_mode", [None, "expectReplies"])
async def test_sends_what_the_sdk_sends(delivery_mode: str | None) -> None:
    ours, theirs = RecordingAdapter(), RecordingAdapter()
    our_context = ShallowCopyTurnContext(ours, incoming(delivery_mode))
    sdk_context = TurnContext(theirs, incoming(delivery_mode))

    our_responses = await our_context.send_activities(outgoing())
    sdk_responses = await sdk_context.send_activities(outgoing())

    if delivery_mode:
        assert ours.sent == theirs.sent == []
        sent_by_us, sent_by_sdk = (
            our_context.buffered_reply_activities,
            sdk_context.buffered_reply_activities,
        )
    else:
        sent_by_us, sent_by_sdk = ours.sent, theirs.sent
    assert [to_json(a) for a in sent_by_us] == [to_json(a) for a in sent_by_sdk]
    assert len(sent_by_us) == 6
    assert [r.id for r in our_responses] == [r.id for r in sdk_responses]
    assert our_context.responded
    assert sdk_context.responded


@pytest.mark.parametrize("delivery_mode", [None, "expectReplies"])
async def test_sends_one_at_a_time_what_the_sdk_sends(delivery_mode: str | None) -> None:
    ours, theirs = RecordingAdapter(), RecordingAdapter()
    our_context = ShallowCopyTurnContext(ours, incoming(delivery_mode))
    sdk_context = TurnContext(theirs, incoming(delivery_mode))

    for activity in outgoing():
        await our_context.send_activity(activity)
    for activity in outgoing():
        await sdk_context.send_activity(activity)

    sent_by_us = our_context.buffered_reply_activities if delivery_mode else ours.sent
    sent_by_sdk = sdk_context.buffered_reply_activities if delivery_mode else theirs.sent
    assert [to_json(a) for a in sent_by_us] == [to_json(a) for a in sent_by_sdk]
    assert len(sent_by_us) == 6


async def test_a_send_handler_that_changes_addresses_changes_only_its_own_send() -> None:
    adapter = RecordingAdapter()
    context = ShallowCopyTurnContext(adapter, incoming())

    async def rename(turn_context, activities, next_send):
        if activities[0].text == "first":
            activities[0].conversation.name = "renamed"
        return await next_send()

    context.on_send_activities(rename)
    await context.send_activity("first")
    await context.send_activity("second")

    assert [activity.conversation.name for activity in adapter.sent] == ["renamed", None]
    assert context.activity.conversation.name is None


async def test_addresses_a_copy_and_leaves_the_callers_activity_alone() -> None:
    adapter = RecordingAdapter()
    context = ShallowCopyTurnContext(adapter, incoming())
    activity = Activity(text="Where to?", id="caller-id")

    await context.send_activity(activity)

    assert activity.type is None
    assert activity.id == "caller-id"
    assert activity.conversation is None
    assert activity.reply_to_id is None
    sent = to_json(adapter.sent[0])
    assert sent == {
        "type": "message",
        "text": "Where to?",
        "inputHint": "acceptingInput",
        "channelId": "emulator",
        "serviceUrl": "http://127.0.0.1:9/",
        "locale": "en-GB",
        "conversation": {"id": "conversation-1"},
        "from": {"id": "bot-1", "name": "Bot"},
        "recipient": {"id": "user-1", "name": "User"},
        "replyToId": "incoming-1",
    }


async def test_a_trace_alone_is_not_a_response() -> None:
    context = ShallowCopyTurnContext(RecordingAdapter(), incoming())

    await context.send_activity(Activity(type=ActivityTypes.trace, name="trace"))

    assert not context.responded


async def test_send_handlers_see_and_may_change_the_addressed_copies() -> None:
    adapter = RecordingAdapter()
    context = ShallowCopyTurnContext(adapter, incoming())
    seen: list[str | None] = []

    async def handler(turn_context, activities, next_send):
        seen.extend(activity.reply_to_id for activity in activities)
        activities[0].text = "changed on the way"
        return await next_send()

    context.on_send_activities(handler)
    await context.send_activity("original")

    assert seen == ["incoming-1"]
    assert adapter.sent[0].text == "changed on the way"


async def test_a_send_leaves_no_garbage_for_the_cycle_collector() -> None:
    context = ShallowCopyTurnContext(RecordingAdapter(), incoming())
    await context.send_activity("warm-up")
    gc.collect()
    gc.disable()
    try:
        await context.send_activity("What can I help you with today?")
        assert gc.collect() == 0
    finally:
        gc.enable()
