"""The held-out conversations (tests/data/conversations_*.jsonl), each driven over HTTP as its
channel sends it: its locale or none, a join only where the channel sends one, the state lost
where the conversation says, and the booking it must end with.

Each set was written by a helper who saw neither the model nor the code, from the issue's
contract; none is trained on.
"""

import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from storage.memory import MemoryStorage
from tests.conftest import EmulatorClient, StartBot, shown

DATA = Path(__file__).resolve().parent / "data"
BOOKED = re.compile(r"I have you booked to (.+) from (.+) on (\d{4}-\d{2}-\d{2})")
CHANNELS = {"msteams-group": "msteams"}


def conversations() -> list[Any]:
    return [
        pytest.param(conversation, id=f"{path.stem}-{conversation['name']}")
        for path in sorted(DATA.glob("conversations_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line
        for conversation in [json.loads(line)]
    ]


def the_day(value: str) -> str:
    if value.startswith("+"):
        return (date.today() + timedelta(days=int(value[1:]))).isoformat()
    return value


class Channel:
    """A user of one conversation, as the conversation's channel sends activities."""

    def __init__(self, user: EmulatorClient, conversation: dict[str, Any]) -> None:
        self.user = user
        self.channel = conversation["channel"]
        self.locale = conversation.get("locale")
        user.channel_id = CHANNELS.get(self.channel, self.channel)

    def activity(self, **fields: Any) -> dict[str, Any]:
        activity = self.user.activity(**fields)
        if self.locale is None:
            del activity["locale"]
        else:
            activity["locale"] = self.locale
        if self.channel == "msteams-group":
            activity["conversation"] = {
                "id": activity["conversation"]["id"],
                "isGroup": True,
                "conversationType": "groupChat",
            }
        return activity

    async def join(self) -> list[str]:
        members = [{"id": "user-1", "name": "User"}, {"id": "bot-1", "name": "Bot"}]
        activity = self.activity(type="conversationUpdate", membersAdded=members)
        return [shown(reply) or "" for reply in await self.user.post(activity)]

    async def say(self, text: str) -> list[str]:
        if self.channel == "msteams-group":
            mention = {"type": "mention", "text": "<at>Core Bot</at>", "mentioned": {"id": "bot-1"}}
            activity = self.activity(text=f"<at>Core Bot</at> {text}", entities=[mention])
        else:
            activity = self.activity(text=text)
        return [shown(reply) or "" for reply in await self.user.post(activity)]


@pytest.mark.parametrize("conversation", conversations())
async def test_a_held_out_conversation(start_bot: StartBot, conversation: dict[str, Any]) -> None:
    user = await start_bot(storage=MemoryStorage())
    user = user.in_conversation(f"{conversation['name']}-conversation")
    channel = Channel(user, conversation)
    transcript: list[str] = []
    losses = 0
    for turn in conversation["turns"]:
        if turn.get("join"):
            transcript += await channel.join()
        elif turn.get("lose_state"):
            # Each way a conversation's state is lost, in turn: a restart with memory
            # storage, then deleteUserData.
            if losses % 2 == 0:
                user.url = (await start_bot(storage=MemoryStorage())).url
            else:
                await user.post(channel.activity(type="deleteUserData"))
            losses += 1
        else:
            replies = await channel.say(turn["user"])
            transcript += [f"> {turn['user']}", *replies]
            said = "\n".join(replies)
            for expected in turn.get("expect", []):
                assert expected in said, "\n".join(transcript)
            for unexpected in turn.get("expect_not", []):
                assert unexpected not in said, "\n".join(transcript)
    booked = [found.groups() for line in transcript for found in [BOOKED.search(line)] if found]
    want = conversation["booked"]
    expected = [] if want is None else [(want["to"], want["from"], the_day(want["date"]))]
    assert booked == expected, "\n".join(transcript)
