"""The held-out conversations (tests/data/conversations_*.jsonl), each driven over HTTP as its
channel sends it: its locale or none, a join only where the channel sends one, the state lost
where the conversation says, and the booking it must end with.

Each set was written by a helper who saw neither the model nor the code, from the issue's
contract; none is trained on.
"""

import calendar
import itertools
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


# The conversations were written for a day between 2026-12-01 and 2027-02-28 (the helpers'
# contract, benchmarks/held_out_contract.md): a year they name after 2026 was ahead, one
# before 2027 gone by. Once one of a conversation's years ahead has begun, each of them moves
# on by the fewest years that put them all ahead again with the same calendar (Feb 29 stays a
# day, and `Friday 7 September 2029` a Friday); the years gone by stay. Only the year changes,
# however it is written: `2029`, `11.10.29`, `14MAR29`, `twenty twenty-nine`.
LAST_YEAR_GONE_BY = 2026
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# `11.10.29`, `14MAR29`: the day and the month, then the year.
TWO_DIGIT_YEAR = re.compile(
    r"\b(\d{1,2}[./-]\d{1,2}[./-]|\d{1,2}(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
    r"(\d{2})\b",
    re.IGNORECASE,
)
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
YEAR_IN_WORDS = re.compile(rf"\btwenty ({'|'.join(TENS)})(?:-({'|'.join(UNITS)}))?\b")


def in_words(year: int) -> str:
    """2029 as `twenty twenty-nine`."""
    tens, units = divmod(year - 2000, 10)
    assert 20 <= year - 2000 < 100, year
    return f"twenty {TENS[tens - 2]}" + (f"-{UNITS[units - 1]}" if units else "")


def two_digits(year: int) -> str:
    """2029 as `29`."""
    assert 2000 <= year < 2100, year
    return f"{year % 100:02d}"


def years_in(text: str) -> list[int]:
    """The years `text` names, in each of the ways it may write them."""
    return [
        *(int(found[0]) for found in YEAR.finditer(text)),
        *(2000 + int(found[2]) for found in TWO_DIGIT_YEAR.finditer(text)),
        *(
            2000 + 10 * (TENS.index(found[1]) + 2) + (UNITS.index(found[2]) + 1 if found[2] else 0)
            for found in YEAR_IN_WORDS.finditer(text)
        ),
    ]


def strings(value: Any) -> list[str]:
    """Every string in a conversation: what the user says, what is expected, the booking."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def same_calendar(year: int, other: int) -> bool:
    """Whether every day of `year` falls on the same weekday in `other`, February 29 too."""
    return calendar.isleap(year) == calendar.isleap(other) and (
        date(year, 1, 1).weekday() == date(other, 1, 1).weekday()
    )


def as_of_today(conversation: dict[str, Any]) -> dict[str, Any]:
    """The conversation with its years ahead moved on, where today has reached one of them."""
    ahead = {
        year
        for text in strings(conversation)
        for year in years_in(text)
        if year > LAST_YEAR_GONE_BY
    }
    this_year = date.today().year
    shift = next(
        years
        for years in itertools.count()
        if all(year + years > this_year and same_calendar(year, year + years) for year in ahead)
    )
    if shift == 0:
        return conversation

    def moved(year: int) -> int:
        return year + shift if year > LAST_YEAR_GONE_BY else year

    def move(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: move(item) for key, item in value.items()}
        if isinstance(value, list):
            return [move(item) for item in value]
        if not isinstance(value, str):
            return value
        value = YEAR.sub(lambda found: str(moved(int(found[0]))), value)
        value = TWO_DIGIT_YEAR.sub(
            lambda found: f"{found[1]}{two_digits(moved(2000 + int(found[2])))}", value
        )
        return YEAR_IN_WORDS.sub(lambda found: in_words(moved(years_in(found[0])[0])), value)

    return move(conversation)


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
    conversation = as_of_today(conversation)
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
