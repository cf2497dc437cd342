"""What the local Direct Line remembers, and for how long."""

import json

import pytest

from webchat.conversations import Conversations, Page, TooManyConversations


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def texts(page: Page) -> list[str]:
    return [json.loads(activity)["text"] for activity in page.activities]


def test_a_token_opens_its_own_conversation_only() -> None:
    conversations = Conversations()
    first, second = conversations.issue(), conversations.issue()

    assert conversations.with_token(first.token) is first
    assert conversations.with_token(second.token) is second
    assert first.id != second.id
    assert first.token != second.token
    assert conversations.with_token("made-up") is None


def test_activities_get_ids_in_order_and_watermarks_count_them() -> None:
    conversation = Conversations().issue()

    ids = [conversation.add({"type": "message", "text": text}) for text in "abc"]

    assert ids == [
        f"{conversation.id}|0000000",
        f"{conversation.id}|0000001",
        f"{conversation.id}|0000002",
    ]
    assert conversation.watermark == 3
    assert texts(conversation.since(1)) == ["b", "c"]
    assert conversation.since(1).watermark == 3
    assert conversation.since(3) == Page([], 3)


def test_a_token_expires_unless_refreshed() -> None:
    clock = Clock()
    conversations = Conversations(lifetime=1800, clock=clock)
    kept, dropped = conversations.issue(), conversations.issue()

    clock.now += 1000
    conversations.refresh(kept)
    assert conversations.expires_in(kept) == 1800
    assert conversations.expires_in(dropped) == 800
    clock.now += 800

    assert conversations.with_token(dropped.token) is None
    assert conversations.get(dropped.id) is None
    assert conversations.with_token(kept.token) is kept
    assert conversations.get(kept.id) is kept


def test_expired_conversations_are_forgotten() -> None:
    clock = Clock()
    conversations = Conversations(lifetime=10, clock=clock)
    for _ in range(3):
        conversations.issue()

    clock.now += 10
    conversations.issue()

    assert len(conversations) == 1


def test_a_refreshed_conversation_outlives_older_ones_and_newer_ones_unrefreshed() -> None:
    clock = Clock()
    conversations = Conversations(lifetime=10, clock=clock)
    first, second = conversations.issue(), conversations.issue()
    clock.now += 5
    conversations.refresh(first)
    third = conversations.issue()

    clock.now += 5
    conversations.issue()
    assert conversations.get(second.id) is None
    assert (conversations.get(first.id), conversations.get(third.id)) == (first, third)
    clock.now += 5
    conversations.issue()

    assert conversations.get(first.id) is conversations.get(third.id) is None
    assert len(conversations) == 2


def test_only_so_many_conversations_are_live_at_once() -> None:
    clock = Clock()
    conversations = Conversations(lifetime=10, limit=2, clock=clock)
    conversations.issue()
    clock.now += 4
    conversations.issue()

    with pytest.raises(TooManyConversations) as full:
        conversations.issue()
    assert full.value.retry_after == 6

    clock.now += 6
    assert conversations.issue().token
    assert len(conversations) == 2


def test_a_transcript_drops_its_oldest_activities_past_its_bounds() -> None:
    conversation = Conversations().issue()
    for n in range(1002):
        conversation.add({"type": "message", "text": str(n)})

    assert conversation.watermark == 1002
    assert texts(conversation.since(0))[0] == "2"
    assert conversation.since(0).watermark == 102
    for n in range(3):
        conversation.add({"type": "message", "text": str(n) * 400_000})
    # 1 MiB holds the last two; a poll returns one of them at a time.
    assert texts(conversation.since(0)) == ["1" * 400_000]
    assert conversation.since(0).watermark == 1004
    assert texts(conversation.since(1004)) == ["2" * 400_000]
    assert conversation.since(1005) == Page([], 1005)


def test_one_client_holds_at_most_its_share() -> None:
    clock = Clock()
    conversations = Conversations(lifetime=10, limit=5, per_client=2, clock=clock)
    conversations.issue("10.0.0.1")
    clock.now += 4
    conversations.issue("10.0.0.1")

    with pytest.raises(TooManyConversations) as full:
        conversations.issue("10.0.0.1")
    assert full.value.retry_after == 6
    for client in ("10.0.0.2", "10.0.0.2", "10.0.0.3"):
        conversations.issue(client)
    with pytest.raises(TooManyConversations):
        conversations.issue("10.0.0.4")  # all five taken, by three clients

    clock.now += 6
    assert conversations.issue("10.0.0.1").token
