"""BookingDialog asks only for what it does not know, then confirms."""

import pytest
from recognizers_choice import recognize_boolean

from booking_details import BookingDetails
from dialogs import confirm_prompt
from dialogs.booking_dialog import BookingDialog
from sdk import Activity, DialogTurnStatus, InputHints
from tests.conftest import DialogTestClient

DESTINATION = "Where would you like to travel to?"
ORIGIN = "From what city will you be travelling?"
DATE = "On what date would you like to travel?"
FULL_DATE = (
    "I'm sorry, for best results, please enter your travel date including the month, day and year. "
)


def confirm(destination: str, origin: str, travel_date: str) -> str:
    return (
        f"Please confirm, I have you traveling to: {destination} from: {origin} "
        f"on: {travel_date}. (1) Yes or (2) No"
    )


async def test_full_flow(tomorrow: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails())

    assert await client.say("hi") == [DESTINATION]
    assert await client.say("Seattle") == [ORIGIN]
    assert await client.say("New York") == [DATE]
    assert await client.say("tomorrow") == [confirm("Seattle", "New York", tomorrow)]
    assert await client.say("yes") == []

    assert client.result.status == DialogTurnStatus.Complete
    details = client.result.result
    assert (details.destination, details.origin, details.travel_date) == (
        "Seattle",
        "New York",
        tomorrow,
    )


async def test_prompts_expect_input_and_are_spoken() -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails())

    (prompt,) = await client.send("hi")

    assert prompt.input_hint == InputHints.expecting_input
    assert prompt.speak == DESTINATION


@pytest.mark.parametrize("answer", ["no", "2", "nope"])
async def test_declining_ends_with_no_result(answer: str, tomorrow: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails("Seattle", "New York", tomorrow))
    assert await client.say("hi") == [confirm("Seattle", "New York", tomorrow)]

    assert await client.say(answer) == []
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result is None


@pytest.mark.parametrize("answer", ["yes", "1", "y", "sure"])
async def test_accepting_ends_with_the_details(answer: str, tomorrow: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails("Seattle", "New York", tomorrow))
    await client.say("hi")

    assert await client.say(answer) == []
    assert client.result.result.destination == "Seattle"


async def test_a_short_confirmation_is_read_by_recognizers_text_once(
    monkeypatch: pytest.MonkeyPatch, tomorrow: str
) -> None:
    calls: list[str] = []

    def counted(text: str, culture: str) -> list:
        calls.append(text)
        return recognize_boolean(text, culture)

    monkeypatch.setattr(confirm_prompt, "recognize_boolean", counted)
    confirm_prompt.remembered_boolean.cache_clear()
    for _ in range(2):
        client = DialogTestClient(BookingDialog(), BookingDetails("Seattle", "New York", tomorrow))
        await client.say("hi")
        assert await client.say("yes please") == []
        assert client.result.result.destination == "Seattle"

    assert calls == ["yes please"]


async def test_an_unclear_confirmation_asks_again(tomorrow: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails("Seattle", "New York", tomorrow))
    await client.say("hi")

    assert await client.say("maybe") == [
        "Right now I can only book this flight: say yes to book it, or no to drop it.",
        confirm("Seattle", "New York", tomorrow),
    ]
    assert client.result.status == DialogTurnStatus.Waiting


async def test_destination_given(tomorrow: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails(destination="Bahamas"))

    assert await client.say("hi") == [ORIGIN]
    assert await client.say("New York") == [DATE]
    assert await client.say("tomorrow") == [confirm("Bahamas", "New York", tomorrow)]
    assert await client.say("yes") == []
    assert client.result.result.origin == "New York"


async def test_destination_and_origin_given(tomorrow: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails("Seattle", "New York"))

    assert await client.say("hi") == [DATE]
    assert await client.say("tomorrow") == [confirm("Seattle", "New York", tomorrow)]
    assert await client.say("yes") == []
    assert client.result.result.travel_date == tomorrow


async def test_all_details_given_for_today(today: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails("Seattle", "Bahamas", today))

    assert await client.say("hi") == [confirm("Seattle", "Bahamas", today)]
    assert await client.say("yes") == []
    assert client.result.result.travel_date == today


async def test_an_ambiguous_date_given_asks_for_the_full_date() -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails("Berlin", "Paris", "XXXX-05-05"))

    assert await client.say("hi") == [FULL_DATE]
    assert await client.say("may 5th") == [FULL_DATE]
    assert await client.say("may 5th 2055") == [confirm("Berlin", "Paris", "2055-05-05")]


@pytest.mark.parametrize(
    ("answers", "last_prompt"),
    [
        ([], DESTINATION),
        (["Seattle"], ORIGIN),
        (["Seattle", "New York"], DATE),
        (["Seattle", "New York", "tomorrow"], None),
    ],
    ids=["destination", "origin", "date", "confirm"],
)
async def test_cancel_at_each_prompt(answers: list[str], last_prompt: str | None) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails())
    replies = await client.say("hi")
    for answer in answers:
        replies = await client.say(answer)
    if last_prompt is not None:
        assert replies == [last_prompt]

    assert await client.say("cancel") == ["Cancelling"]
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result is None


async def test_help_inside_the_date_dialog_keeps_it_waiting(tomorrow: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails("Seattle", "New York"))
    await client.say("hi")

    assert await client.say("help") == ["Show Help..."]
    assert await client.say("?") == ["Show Help..."]
    assert await client.say("tomorrow") == [confirm("Seattle", "New York", tomorrow)]


@pytest.mark.parametrize(
    "message",
    [
        Activity(type="message", value={"submitted": True}),
        Activity(type="message", text=""),
        Activity(type="message", text="   "),
    ],
    ids=["card-submit", "empty", "blank"],
)
async def test_a_message_without_a_city_asks_again_and_keeps_progress(message: Activity) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails())
    await client.say("hi")
    await client.say("Seattle")

    assert await client.say(message) == [ORIGIN]
    assert await client.say("New York") == [DATE]


@pytest.mark.parametrize("message", ["00:30", "00:00", "12:59am"])
async def test_a_time_without_a_date_asks_for_the_full_date(message: str) -> None:
    client = DialogTestClient(BookingDialog(), BookingDetails("Seattle", "New York"))
    await client.say("hi")

    assert await client.say(message) == [FULL_DATE]
    assert client.result.status == DialogTurnStatus.Waiting
