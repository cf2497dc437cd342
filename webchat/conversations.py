"""What the local Direct Line remembers: tokens, their conversations, and each transcript."""

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Conversation:
    """One Direct Line conversation, reachable only with the token it was issued with."""

    id: str
    token: str
    expires: float
    user: dict[str, str] | None = None  # set when the client starts the conversation
    activities: list[dict[str, Any]] = field(default_factory=list)
    # Turns run one at a time, so a user's message is always followed by its own replies.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def started(self) -> bool:
        return self.user is not None

    def add(self, activity: dict[str, Any]) -> str:
        """Append an activity to the transcript under the next id; return the id."""
        activity_id = f"{self.id}|{len(self.activities):07d}"
        self.activities.append({**activity, "id": activity_id})
        return activity_id

    def since(self, watermark: int) -> list[dict[str, Any]]:
        """The activities after the first `watermark` ones."""
        return self.activities[watermark:]

    @property
    def watermark(self) -> int:
        return len(self.activities)


class Conversations:
    """Every live conversation, by id and by token; a token lives `lifetime` seconds unless
    refreshed, and its conversation is forgotten once the token has expired."""

    def __init__(
        self, *, lifetime: float = 1800.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.lifetime = lifetime
        self._clock = clock
        self._by_id: dict[str, Conversation] = {}
        self._by_token: dict[str, Conversation] = {}

    def issue(self) -> Conversation:
        """A new token and the conversation it is for."""
        self._forget_expired()
        conversation = Conversation(
            id=secrets.token_urlsafe(12),
            token=secrets.token_urlsafe(32),
            expires=self._clock() + self.lifetime,
        )
        self._by_id[conversation.id] = conversation
        self._by_token[conversation.token] = conversation
        return conversation

    def with_token(self, token: str) -> Conversation | None:
        """The conversation of a token that was issued here and has not expired."""
        conversation = self._by_token.get(token)
        if conversation is None or conversation.expires <= self._clock():
            return None
        return conversation

    def get(self, conversation_id: str) -> Conversation | None:
        conversation = self._by_id.get(conversation_id)
        if conversation is None or conversation.expires <= self._clock():
            return None
        return conversation

    def refresh(self, conversation: Conversation) -> None:
        conversation.expires = self._clock() + self.lifetime

    def expires_in(self, conversation: Conversation) -> int:
        return max(0, round(conversation.expires - self._clock()))

    def __len__(self) -> int:
        return len(self._by_id)

    def _forget_expired(self) -> None:
        now = self._clock()
        for conversation in [c for c in self._by_id.values() if c.expires <= now]:
            del self._by_id[conversation.id]
            del self._by_token[conversation.token]
