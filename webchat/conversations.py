"""What the local Direct Line remembers: tokens, their conversations, and each transcript.

Everything is bounded: the live conversations, and each transcript in activities and bytes
(the oldest activities are dropped: a Web Chat page has long polled them). A poll returns
at most a page, already encoded: answering it costs the same however long the transcript.
"""

import asyncio
import json
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Live conversations (one per token): a page open for the last 30 minutes, or a token not
# used since, holds one. One client (an address) holds at most MAX_PER_CLIENT, so that no
# one client can take them all.
MAX_CONVERSATIONS = 100
MAX_PER_CLIENT = 10
# A transcript keeps its latest activities within both bounds.
TRANSCRIPT_ACTIVITIES = 1000
TRANSCRIPT_BYTES = 1024 * 1024
# A poll returns at most this many activities and bytes (at least one activity).
PAGE_ACTIVITIES = 100
PAGE_BYTES = 256 * 1024


@dataclass(frozen=True)
class Page:
    activities: list[bytes]  # each activity's JSON
    watermark: int  # where the next poll starts

    def json(self) -> bytes:
        """The page as Direct Line answers a poll: `{"activities": [...], "watermark": "N"}`."""
        return b'{"activities":[%s],"watermark":"%d"}' % (
            b",".join(self.activities),
            self.watermark,
        )


@dataclass
class Conversation:
    """One Direct Line conversation, reachable only with the token it was issued with."""

    id: str
    token: str
    expires: float
    client: str = ""  # the address that asked for the token
    user: dict[str, str] | None = None  # set when the client starts the conversation
    # The JSON of the latest activities; the first is activity number `dropped`.
    kept: deque[bytes] = field(default_factory=deque)
    dropped: int = 0
    kept_bytes: int = 0
    # Turns run one at a time, so a user's message is always followed by its own replies.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def started(self) -> bool:
        return self.user is not None

    def add(self, activity: dict[str, Any]) -> str:
        """Append an activity to the transcript under the next id; return the id. The
        oldest activities go while the transcript is over its bounds."""
        activity_id = f"{self.id}|{self.watermark:07d}"
        encoded = json.dumps({**activity, "id": activity_id}, separators=(",", ":")).encode()
        self.kept.append(encoded)
        self.kept_bytes += len(encoded)
        while len(self.kept) > 1 and (
            len(self.kept) > TRANSCRIPT_ACTIVITIES or self.kept_bytes > TRANSCRIPT_BYTES
        ):
            self.kept_bytes -= len(self.kept.popleft())
            self.dropped += 1
        return activity_id

    def since(self, watermark: int) -> Page:
        """A page of the activities after the first `watermark` ones (of those still kept)."""
        first = max(watermark, self.dropped) - self.dropped
        activities: list[bytes] = []
        size = 0
        for index in range(first, min(len(self.kept), first + PAGE_ACTIVITIES)):
            encoded = self.kept[index]
            if activities and size + len(encoded) > PAGE_BYTES:
                break
            activities.append(encoded)
            size += len(encoded)
        return Page(activities, self.dropped + first + len(activities))

    @property
    def watermark(self) -> int:
        """How many activities the conversation has had."""
        return self.dropped + len(self.kept)


class TooManyConversations(Exception):
    """Every conversation this service keeps, or every one a client may hold, is live;
    `retry_after`: seconds until the first of them expires."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many conversations; one expires in {retry_after} s")
        self.retry_after = retry_after


class Conversations:
    """Every live conversation, by id and by token; a token lives `lifetime` seconds unless
    refreshed, and its conversation is forgotten once the token has expired. At most
    `limit` live at once."""

    def __init__(
        self,
        *,
        lifetime: float = 1800.0,
        limit: int = MAX_CONVERSATIONS,
        per_client: int = MAX_PER_CLIENT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lifetime = lifetime
        self.limit = limit
        self.per_client = per_client
        self._clock = clock
        self._of_client: dict[str, list[Conversation]] = {}
        # In the order they expire: every token lives `lifetime` from its last refresh.
        self._by_id: OrderedDict[str, Conversation] = OrderedDict()
        self._by_token: dict[str, Conversation] = {}

    def issue(self, client: str = "") -> Conversation:
        """A new token and the conversation it is for, asked for by `client` (an address);
        TooManyConversations when `limit` are live, or `per_client` of the client's."""
        self._forget_expired()
        own = self._of_client.get(client, [])
        if len(own) >= self.per_client:
            raise TooManyConversations(self._retry_after(min(c.expires for c in own)))
        if len(self._by_id) >= self.limit:
            raise TooManyConversations(self._retry_after(next(iter(self._by_id.values())).expires))
        conversation = Conversation(
            id=secrets.token_urlsafe(12),
            token=secrets.token_urlsafe(32),
            expires=self._clock() + self.lifetime,
            client=client,
        )
        self._by_id[conversation.id] = conversation
        self._by_token[conversation.token] = conversation
        self._of_client.setdefault(client, []).append(conversation)
        return conversation

    def _retry_after(self, expires: float) -> int:
        return max(1, round(expires - self._clock()))

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
        self._by_id.move_to_end(conversation.id)

    def expires_in(self, conversation: Conversation) -> int:
        return max(0, round(conversation.expires - self._clock()))

    def __len__(self) -> int:
        return len(self._by_id)

    def _forget_expired(self) -> None:
        """Forget the conversations that have expired: the first ones, in expiry order."""
        now = self._clock()
        while self._by_id:
            conversation = next(iter(self._by_id.values()))
            if conversation.expires > now:
                return
            del self._by_id[conversation.id]
            del self._by_token[conversation.token]
            own = self._of_client[conversation.client]
            own.remove(conversation)
            if not own:
                del self._of_client[conversation.client]
