"""MainDialog: what the user asks for decides what happens next."""

from typing import Any

import pytest

from booking_details import BookingDetails
from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from helpers.message_helper import question
from sdk import DialogContext, InputHints, PromptOptions, TextPrompt
from tests.conftest import DialogTestClient, StubRecognizer, flight_result, luis_result

INTRO = "What can I help you with today?"
RESTART = "What else can I do for you?"
NOT_CONFIGURED = (
    "NOTE: LUIS is not configured. To enable all capabilities, add 'LuisAppId', 'LuisAPIKey' "
    "and 'LuisAPIHostName' to the appsettings.json file."
)
DIDNT = "Sorry, I didn't get that. Please try asking in a different way"


class MockBookingDialog(BookingDialog):
    """Says it was started, records its options, and books a fixed flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.options: list[BookingDetails] = []

    async def begin_dialog(self, dialog_context: DialogContext, options: Any = None):
        self.options.append(options)
        await dialog_context.context.send_activity(f"{self.id} mock invoked")
        return await dialog_context.end_dialog(BookingDetails("Seattle", "New York", "2025-07-08"))


class WaitingBookingDialog(BookingDialog):
    """Says it was started and waits, as a real booking would."""

    async def begin_dialog(self, dialog_context: DialogContext, options: Any = None):
        dialog_context.dialogs.add(TextPrompt("MockPrompt"))
        return await dialog_context.prompt(
            "MockPrompt", PromptOptions(prompt=question(f"{self.id} mock invoked"))
        )


async def test_not_configured_goes_straight_to_booking() -> None:
    client = DialogTestClient(MainDialog(StubRecognizer(configured=False), WaitingBookingDialog()))

    replies = await client.send("hi")

    assert [reply.text for reply in replies] == [NOT_CONFIGURED, "BookingDialog mock invoked"]
    assert replies[0].input_hint == InputHints.ignoring_input


async def test_configured_asks_what_the_user_wants() -> None:
    client = DialogTestClient(MainDialog(StubRecognizer(), MockBookingDialog()))

    (reply,) = await client.send("hi")

    assert reply.text == INTRO
    assert reply.input_hint == InputHints.expecting_input


async def test_book_flight_starts_the_booking_and_reports_it() -> None:
    recognizer = StubRecognizer(luis_result("BookFlight", text="I want to book a flight"))
    client = DialogTestClient(MainDialog(recognizer, MockBookingDialog()))
    assert await client.say("Hi") == [INTRO]

    assert await client.say("I want to book a flight") == [
        "BookingDialog mock invoked",
        "I have you booked to Seattle from New York on 2025-07-08",
        RESTART,
    ]


@pytest.mark.parametrize(
    ("intent", "answer"),
    [("GetWeather", "TODO: get weather flow here"), ("None", DIDNT), ("Cancel", DIDNT)],
)
async def test_other_intents_answer_and_start_over(intent: str, answer: str) -> None:
    client = DialogTestClient(MainDialog(StubRecognizer(luis_result(intent)), MockBookingDialog()))
    await client.say("Hi")

    replies = await client.send("What's the weather like?")

    assert [reply.text for reply in replies] == [answer, RESTART]
    assert replies[0].input_hint == InputHints.ignoring_input


async def test_a_failing_recognizer_means_not_understood() -> None:
    recognizer = StubRecognizer(error=TimeoutError("LUIS did not answer"))
    client = DialogTestClient(MainDialog(recognizer, MockBookingDialog()))
    await client.say("Hi")

    assert await client.say("book a flight") == [DIDNT, RESTART]


async def test_ranking_by_score_with_several_intents() -> None:
    recognizer = StubRecognizer(luis_result("BookFlight", "GetWeather", "Cancel", "None"))
    client = DialogTestClient(MainDialog(recognizer, MockBookingDialog()))
    await client.say("Hi")

    assert (await client.say("book me a flight"))[0] == "BookingDialog mock invoked"


@pytest.mark.parametrize(
    ("result", "warning", "destination", "origin"),
    [
        (
            flight_result("flight to madrid", to=("madrid", None)),
            "Sorry but the following airports are not supported: Madrid",
            None,
            None,
        ),
        (
            flight_result(
                "flight from madrid to chicago", to=("chicago", None), origin=("madrid", None)
            ),
            "Sorry but the following airports are not supported: Chicago, Madrid",
            None,
            None,
        ),
        (
            flight_result("flight from cdg to jfk", to=("jfk", "New York"), origin=("cdg", None)),
            "Sorry but the following airports are not supported: Cdg",
            "New York",
            None,
        ),
        (
            flight_result(
                "flight from paris to new york",
                to=("new york", "New York"),
                origin=("paris", "Paris"),
            ),
            None,
            "New York",
            "Paris",
        ),
    ],
    ids=["madrid", "madrid-chicago", "cdg-jfk", "paris-new-york"],
)
async def test_unsupported_airports_are_named_then_booking_starts(
    result: Any, warning: str | None, destination: str | None, origin: str | None
) -> None:
    booking = MockBookingDialog()
    client = DialogTestClient(MainDialog(StubRecognizer(result), booking))
    await client.say("Hi")

    replies = await client.say(result.text)

    warnings = [warning] if warning else []
    assert replies == [
        *warnings,
        "BookingDialog mock invoked",
        "I have you booked to Seattle from New York on 2025-07-08",
        RESTART,
    ]
    (options,) = booking.options
    assert (options.destination, options.origin) == (destination, origin)


async def test_a_full_booking_with_the_real_booking_dialog(tomorrow: str) -> None:
    result = flight_result(
        "flight from paris to new york", to=("new york", "New York"), origin=("paris", "Paris")
    )
    client = DialogTestClient(MainDialog(StubRecognizer(result), BookingDialog()))

    assert await client.say("Hi") == [INTRO]
    assert await client.say(result.text) == ["On what date would you like to travel?"]
    assert await client.say("tomorrow") == [
        f"Please confirm, I have you traveling to: New York from: Paris on: {tomorrow}. "
        "(1) Yes or (2) No"
    ]
    assert await client.say("yes") == [
        f"I have you booked to New York from Paris on {tomorrow}",
        RESTART,
    ]


async def test_a_definite_date_time_skips_the_date_question() -> None:
    result = flight_result("book a flight on 2055-05-05 at 10", timex="2055-05-05T10")
    client = DialogTestClient(MainDialog(StubRecognizer(result), BookingDialog()))
    await client.say("Hi")
    await client.say(result.text)
    await client.say("Berlin")

    assert await client.say("Paris") == [
        "Please confirm, I have you traveling to: Berlin from: Paris on: 2055-05-05. "
        "(1) Yes or (2) No"
    ]
    assert await client.say("no") == [RESTART]


async def test_an_ambiguous_date_is_asked_again_in_full() -> None:
    result = flight_result("book a flight on may 5th", timex="XXXX-05-05")
    client = DialogTestClient(MainDialog(StubRecognizer(result), BookingDialog()))
    await client.say("Hi")

    assert await client.say(result.text) == ["Where would you like to travel to?"]
    assert await client.say("Berlin") == ["From what city will you be travelling?"]
    assert await client.say("Paris") == [
        "I'm sorry, for best results, please enter your travel date including the month, "
        "day and year. "
    ]


async def test_cancel_inside_booking_returns_to_the_top() -> None:
    client = DialogTestClient(
        MainDialog(StubRecognizer(luis_result("BookFlight")), BookingDialog())
    )
    await client.say("Hi")
    assert await client.say("book") == ["Where would you like to travel to?"]

    assert await client.say("cancel") == ["Cancelling", RESTART]


EXPLAIN = (
    "I can book flights between Paris, London, Berlin, New York and Seattle. "
    "At any of my questions you can say help, cancel or start over."
)


@pytest.mark.parametrize("text", ["help", "?", "Help!", "what can you do", "How does this work?"])
async def test_help_at_the_top_prompt_says_what_the_bot_does(text: str) -> None:
    recognizer = StubRecognizer(luis_result("None"))
    client = DialogTestClient(MainDialog(recognizer, BookingDialog()))
    assert await client.say("Hi") == [INTRO]

    assert await client.say(text) == [EXPLAIN, INTRO]
    assert recognizer.calls == 0
    assert await client.say("help") == [EXPLAIN, INTRO]


@pytest.mark.parametrize("text", ["hi", "Hello there!", "good morning 👋"])
async def test_a_greeting_at_the_top_prompt_gets_the_question_again(text: str) -> None:
    recognizer = StubRecognizer(luis_result("None"))
    client = DialogTestClient(MainDialog(recognizer, BookingDialog()))
    assert await client.say("Hi") == [INTRO]

    assert await client.say(text) == [INTRO]
    assert recognizer.calls == 0


async def test_help_inside_a_booking_is_still_the_originals() -> None:
    recognizer = StubRecognizer(luis_result("BookFlight"))
    client = DialogTestClient(MainDialog(recognizer, BookingDialog()))
    await client.say("Hi")
    assert await client.say("book a flight") == ["Where would you like to travel to?"]

    assert await client.say("help") == ["Show Help..."]


async def test_not_configured_loop_restarts_with_the_note(tomorrow: str) -> None:
    client = DialogTestClient(MainDialog(StubRecognizer(configured=False), BookingDialog()))
    destination = "Where would you like to travel to?"

    assert await client.say("hi") == [NOT_CONFIGURED, destination]
    await client.say("Seattle")
    await client.say("New York")
    await client.say("tomorrow")
    assert await client.say("yes") == [
        f"I have you booked to Seattle from New York on {tomorrow}",
        NOT_CONFIGURED,
        destination,
    ]
    assert await client.say("cancel") == ["Cancelling", NOT_CONFIGURED, destination]


def stack_depth(dialog_state: Any) -> int:
    """How deeply dialogs are nested in a stored DialogState."""
    if dialog_state is None:
        return 0
    return max(
        (
            1 + stack_depth(instance["state"].get("dialogs"))
            for instance in dialog_state["dialogStack"]
        ),
        default=0,
    )


async def test_the_stack_stays_the_same_depth_over_200_cycles() -> None:
    client = DialogTestClient(
        MainDialog(StubRecognizer(luis_result("BookFlight")), BookingDialog())
    )
    await client.say("Hi")

    depths = set()
    for _ in range(200):
        assert await client.say("book") == ["Where would you like to travel to?"]
        assert await client.say("cancel") == ["Cancelling", RESTART]
        depths.add(stack_depth((await client.stored())["DialogState"]))

    assert depths == {2}
