"""`python app.py` rehearses the kinds of booking people make before the first user comes, in
conversations nobody sees."""

from collections import defaultdict
from datetime import date

import pytest
from aiohttp import ClientSession

from bots.rehearsal import bookings, rehearse, travel_day
from config import DefaultConfig
from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from flight_booking_recognizer import FlightBookingRecognizer
from sdk.recording import RecordingAdapter
from tests.conftest import EmulatorClient, StubConnector, start_app_process


async def test_each_rehearsed_booking_goes_as_a_users_would() -> None:
    dialog = MainDialog(
        FlightBookingRecognizer(DefaultConfig.from_env({"RECOGNIZER": "embedded"})),
        BookingDialog(),
    )
    channel = RecordingAdapter()
    day = travel_day(date.today())

    turns = await rehearse(dialog, channel)
    said = defaultdict(list)
    for reply in channel.sent:
        said[reply.conversation.id].append(reply.text)

    assert turns == sum(1 + len(texts) for texts in bookings(date.today())) == 84
    assert said["rehearsal-0"] == [
        None,  # the welcome card
        "What can I help you with today?",
        "From what city will you be travelling?",
        "On what date would you like to travel?",
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {day}.",
        f"I have you booked to Paris from Berlin on {day}",
        "What else can I do for you?",
    ]
    assert said["rehearsal-1"][-2:] == [
        f"Please confirm, I have you traveling to: Seattle from: London on: {day}.",
        "What else can I do for you?",
    ]
    booked = [texts for texts in said.values() if any("booked" in (t or "") for t in texts)]
    assert (len(said), len(booked)) == (18, 12)


@pytest.mark.parametrize(
    ("recognizer", "rehearsed", "first_question"),
    [
        ("embedded", True, "What can I help you with today?"),
        ("none", False, "Where would you like to travel to?"),
    ],
)
async def test_python_app_py_rehearses_with_the_embedded_recognizer_only(
    recognizer: str,
    rehearsed: bool,
    first_question: str,
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
) -> None:
    stub, service_url = connector
    app = await start_app_process({"RECOGNIZER": recognizer}, http_session)
    try:
        replies = await EmulatorClient(http_session, app.url, stub, service_url).join()
    finally:
        log = (await app.stop()).decode()
    assert replies[-1]["text"] == first_question
    assert ("INFO __main__: Rehearsed 84 turns in " in log) is rehearsed, log
    assert "Traceback" not in log
