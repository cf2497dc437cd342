"""A few bookings through the bot when `python app.py` starts, in conversations nobody sees.

A fresh process spent 15 to 20% more CPU on each of its first few hundred turns than it did
later: the interpreter specializes code only once it has run it a few times, and the
per-class and per-text caches fill as turns come. Its first users paid for that, most on the
turns that do the most (a request that names the cities and the day). Rehearsing the kinds
of booking people make, each date form among them, pays it before the first user comes.
Nothing leaves the process: the replies go nowhere, and the state is kept apart.
"""

import logging
from datetime import date, timedelta
from typing import Any

from bots.dialog_and_welcome_bot import DialogAndWelcomeBot
from helpers.datetime_helper import ordinal_suffix
from sdk import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ChannelId,
    ConversationAccount,
    Dialog,
)
from sdk.recording import RecordingAdapter
from storage.bot_state import ConversationState, UserState
from storage.memory import MemoryStorage

logger = logging.getLogger(__name__)

# A channel that shows suggested actions, as Web Chat and the Emulator do.
CHANNEL = "directline"


def travel_day(today: date) -> date:
    """The day the rehearsed bookings fly: weeks ahead, on a day whose `month/day/year` is
    no other day's (`5/12/2027` would be two days, and the bot would ask which)."""
    day = today + timedelta(days=45)
    return day if day.day > 12 else day + timedelta(days=13)


def bookings(today: date) -> list[list[str]]:
    """The messages of bookings as people make them, in the date forms they type most, all of
    days to come."""
    day = travel_day(today)
    nth = f"{day.day}{ordinal_suffix(day.day)}"
    dates = [
        f"{day:%B} {nth} {day.year}",
        f"the {nth} of {day:%B} {day.year}",
        day.isoformat(),
        f"{day.month}/{day.day}/{day.year}",
        f"in {(day - today).days} days",
        "tomorrow",
    ]
    plans = []
    for when in dates:
        plans += [
            ["book a flight to Paris", "Berlin", when, "yes"],
            [f"fly from London to Seattle on {when}", "no"],
            ["I need to get to New York", "from Berlin", "help", when, "yes please"],
        ]
    return plans


async def rehearse(dialog: Dialog, adapter: RecordingAdapter | None = None) -> int:
    """Run `bookings` through a bot with `dialog` and state of its own, its replies to
    `adapter` (by default nowhere); the number of turns run."""
    storage = MemoryStorage()
    bot = DialogAndWelcomeBot(ConversationState(storage), UserState(storage), dialog)
    adapter = adapter or RecordingAdapter(keep=False)
    turns = 0
    for number, texts in enumerate(bookings(date.today())):
        user = ChannelAccount(id=f"rehearsal-user-{number}")
        joined = _activity(number, user, ActivityTypes.conversation_update, members_added=[user])
        said = [_activity(number, user, ActivityTypes.message, text=text) for text in texts]
        for activity in (joined, *said):
            await adapter.run_pipeline(adapter.turn_context(activity), bot.on_turn)
            turns += 1
    return turns


def _activity(number: int, user: ChannelAccount, kind: str, **fields: Any) -> Activity:
    return Activity(
        type=kind,
        **fields,
        channel_id=ChannelId(CHANNEL),
        service_url="http://127.0.0.1/",
        conversation=ConversationAccount(id=f"rehearsal-{number}"),
        from_property=user,
        recipient=ChannelAccount(id="bot"),
        locale="en-US",
    )
