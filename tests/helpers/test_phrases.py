"""Commands and questions about a prompt, as users type them."""

import pytest

from helpers.phrases import (
    Command,
    Topic,
    asks_about,
    command_in,
    garbled_yes_or_no,
    is_greeting,
    which_of_two_days,
)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("help", Command.HELP),
        ("Help!", Command.HELP),
        ("  help?  ", Command.HELP),
        ("?", Command.HELP),
        ("??", Command.HELP),
        ("cancel", Command.CANCEL),
        (" cancel.", Command.CANCEL),
        ("QUIT", Command.CANCEL),
        ("stop", Command.CANCEL),
        ("exit!", Command.CANCEL),
        ("never mind", Command.CANCEL),
        ("Never   Mind...", Command.CANCEL),
        ("nevermind", Command.CANCEL),
        ("start over", Command.START_OVER),
        ("restart", Command.START_OVER),
        ("Start Over!", Command.START_OVER),
        ("help\u200b", Command.HELP),
        ("cancel please", None),
        ("helpful", None),
        ("stop it", None),
        ("please restart", None),
        ("!", None),
        ("", None),
        ("¿help", None),
    ],
)
def test_command_in(text: str, command: Command | None) -> None:
    assert command_in(text) is command


@pytest.mark.parametrize(
    ("text", "topic", "asks"),
    [
        ("which cities can I fly to?", Topic.CITIES, True),
        ("What airports do you have", Topic.CITIES, True),
        ("where can I fly?", Topic.CITIES, True),
        ("list the destinations", Topic.CITIES, True),
        ("Paris", Topic.CITIES, False),
        ("the city of light", Topic.CITIES, False),
        ("what dates can I pick?", Topic.DATES, True),
        ("When can I travel?", Topic.DATES, True),
        ("which days are free", Topic.DATES, True),
        ("the day after tomorrow", Topic.DATES, False),
        ("tomorrow", Topic.DATES, False),
        ("which cities can I fly to?", Topic.DATES, False),
    ],
)
def test_asks_about(text: str, topic: Topic, asks: bool) -> None:
    assert asks_about(text, topic) is asks


@pytest.mark.parametrize(
    ("text", "topic", "asks"),
    [
        ("where am I flying to?", Topic.BOOKING, True),
        ("when do I leave", Topic.BOOKING, True),
        ("what date did I say?", Topic.BOOKING, True),
        ("can you read me the booking?", Topic.BOOKING, True),
        ("can I also rent a car?", Topic.BOOKING, False),
        ("is it a direct flight?", Topic.BOOKING, False),
        ("yes", Topic.BOOKING, False),
        ("what can you do", Topic.CAPABILITIES, True),
        ("What can u do?", Topic.CAPABILITIES, True),
        ("how does this work", Topic.CAPABILITIES, True),
        ("book a flight to paris", Topic.CAPABILITIES, False),
    ],
)
def test_questions_about_the_booking_and_the_bot(text: str, topic: Topic, asks: bool) -> None:
    assert asks_about(text, topic) is asks


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        ("yse", True),
        ("noo", True),
        ("yess", True),
        ("ys", True),
        ("nopee", True),
        ("yes", False),
        ("no", False),
        ("Yes!", False),
        ("maybe", False),
        ("can I also rent a car?", False),
        ("", False),
    ],
)
def test_a_yes_or_no_typed_wrong(text: str, garbled: bool) -> None:
    assert garbled_yes_or_no(text) is garbled


@pytest.mark.parametrize(
    "text", ["hi", "Hi!", "hello there", "Hey bot", "good morning 👋", "hiii", "yo", "Howdy."]
)
def test_a_greeting(text: str) -> None:
    assert is_greeting(text)


@pytest.mark.parametrize(
    "text", ["hi, fly me to Paris", "hello can you book a flight", "help", "high winds", "yes"]
)
def test_not_only_a_greeting(text: str) -> None:
    assert not is_greeting(text)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("the first", "2028-03-06"),
        ("1", "2028-03-06"),
        ("the former", "2028-03-06"),
        ("march", "2028-03-06"),
        ("6 March", "2028-03-06"),
        ("the 6th", "2028-03-06"),
        ("the second one", "2028-06-03"),
        ("2.", "2028-06-03"),
        ("the latter", "2028-06-03"),
        ("June 3rd", "2028-06-03"),
        ("jun", "2028-06-03"),
        ("either", None),
        ("the 9th", None),
        ("marching", None),
        ("the first or the second", None),
    ],
)
def test_which_of_two_days(text: str, day: str | None) -> None:
    assert which_of_two_days(text, "2028-03-06", "2028-06-03") == day
