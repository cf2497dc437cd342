"""What the local Direct Line remembers, and for how long."""

from webchat.conversations import Conversations


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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
    assert [activity["text"] for activity in conversation.since(1)] == ["b", "c"]
    assert conversation.since(3) == []


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
