"""A date in numbers is read as the user's locale writes dates; where the channel sends no
locale, the bot asks which of the two days, and takes the answer however it is put."""

import pytest

from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from recognizers.embedded_recognizer import EmbeddedRecognizer
from sdk import Activity, ActivityTypes
from tests.conftest import DialogTestClient, StubRecognizer, luis_result

WHEN = "On what date would you like to travel?"
WHICH = "Do you mean March 6, 2036 or June 3, 2036?"


def confirm(on: str, to: str = "Paris", origin: str = "Berlin") -> str:
    return (
        f"Please confirm, I have you traveling to: {to} from: {origin} on: {on}. (1) Yes or (2) No"
    )


def typed(text: str, locale: str | None) -> Activity:
    if locale is None:
        return Activity(type=ActivityTypes.message, text=text)
    return Activity(type=ActivityTypes.message, text=text, locale=locale)


@pytest.fixture(scope="module")
def embedded() -> EmbeddedRecognizer:
    return EmbeddedRecognizer.from_file()


@pytest.fixture(params=["embedded", "stub"])
async def at_the_date_question(
    request: pytest.FixtureRequest, embedded: EmbeddedRecognizer
) -> DialogTestClient:
    """A booking to Paris from Berlin waiting for its date, with the embedded recognizer or
    with a back end that understands nothing but the first request."""
    back_end = (
        embedded
        if request.param == "embedded"
        else StubRecognizer(luis_result("BookFlight", text="book a flight"))
    )
    bot = DialogTestClient(MainDialog(back_end, BookingDialog()))
    await bot.say("Hi")
    await bot.say("book a flight")
    await bot.say("Paris")
    assert await bot.say("Berlin") == [WHEN]
    return bot


@pytest.fixture
async def embedded_bot(embedded: EmbeddedRecognizer) -> DialogTestClient:
    bot = DialogTestClient(MainDialog(embedded, BookingDialog()))
    await bot.say("Hi")
    return bot


@pytest.mark.parametrize(
    ("locale", "day"),
    [
        ("en-US", "2036-03-06"),
        ("en-us", "2036-03-06"),
        ("en-CA", "2036-03-06"),
        ("en-GB", "2036-06-03"),
        ("en-AU", "2036-06-03"),
        ("en-IN", "2036-06-03"),
        ("fr-FR", "2036-06-03"),
        ("de-DE", "2036-06-03"),
    ],
)
async def test_at_the_date_question_the_locale_says_which_is_the_month(
    at_the_date_question: DialogTestClient, locale: str, day: str
) -> None:
    assert await at_the_date_question.say(typed("3/6/2036", locale)) == [confirm(day)]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("3/6/36", "2036-03-06"),
        ("03.06.2036", "2036-03-06"),
        ("3-6-2036", "2036-03-06"),
        ("2036-06-03", "2036-06-03"),
    ],
)
async def test_other_ways_of_writing_it_in_numbers(
    at_the_date_question: DialogTestClient, text: str, day: str
) -> None:
    assert await at_the_date_question.say(typed(text, "en-US")) == [confirm(day)]


@pytest.mark.parametrize("locale", [None, "en-US", "en-GB"])
@pytest.mark.parametrize(
    ("text", "day"),
    [("13/6/2036", "2036-06-13"), ("6/13/2036", "2036-06-13"), ("4/4/2036", "2036-04-04")],
)
async def test_a_date_that_reads_one_way_only_is_not_asked_about(
    at_the_date_question: DialogTestClient, text: str, day: str, locale: str | None
) -> None:
    assert await at_the_date_question.say(typed(text, locale)) == [confirm(day)]


@pytest.mark.parametrize(
    ("answer", "day"),
    [
        ("the first", "2036-03-06"),
        ("first one", "2036-03-06"),
        ("1", "2036-03-06"),
        ("March 6, 2036", "2036-03-06"),
        ("6 March", "2036-03-06"),
        ("mar 6th", "2036-03-06"),
        ("the 6th", "2036-03-06"),
        ("march", "2036-03-06"),
        ("the second", "2036-06-03"),
        ("the latter", "2036-06-03"),
        ("June 3rd", "2036-06-03"),
        ("3 june please", "2036-06-03"),
        ("june", "2036-06-03"),
        ("Jnue 3", "2036-06-03"),
        ("June 3, 2036", "2036-06-03"),
        ("actually July 4 2036", "2036-07-04"),
    ],
)
async def test_with_no_locale_the_bot_asks_which_day_and_takes_the_answer(
    at_the_date_question: DialogTestClient, answer: str, day: str
) -> None:
    bot = at_the_date_question
    (which,) = await bot.send(typed("3/6/2036", None))
    assert which.text == WHICH
    actions = which.suggested_actions.actions if which.suggested_actions else []
    assert [action.value for action in actions] == ["March 6, 2036", "June 3, 2036"]

    assert await bot.say(answer) == [confirm(day)]


@pytest.mark.parametrize("answer", ["whatever", "either is fine", "3/6/2036", "the 9th"])
async def test_an_answer_that_picks_neither_gets_the_same_question_not_a_demand_for_more(
    at_the_date_question: DialogTestClient, answer: str
) -> None:
    bot = at_the_date_question
    assert await bot.say(typed("3/6/2036", None)) == [WHICH]

    assert await bot.say(answer) == [WHICH]
    assert await bot.say("the second") == [confirm("2036-06-03")]


async def test_help_and_cancel_work_at_the_which_day_question(
    at_the_date_question: DialogTestClient,
) -> None:
    bot = at_the_date_question
    assert await bot.say(typed("3/6/2036", None)) == [WHICH]
    assert await bot.say("help") == ["Show Help..."]
    assert await bot.say("cancel") == ["Cancelling", "What else can I do for you?"]


@pytest.mark.parametrize(
    ("locale", "replies"),
    [
        ("en-US", [confirm("2036-03-06", "Berlin", "Paris")]),
        ("en-GB", [confirm("2036-06-03", "Berlin", "Paris")]),
        (None, [WHICH]),
    ],
)
async def test_in_the_first_message_the_same_rules(
    embedded_bot: DialogTestClient, locale: str | None, replies: list[str]
) -> None:
    request = typed("book a flight from paris to berlin on 3/6/2036", locale)
    assert await embedded_bot.say(request) == replies


async def test_in_the_first_message_with_no_locale_the_answer_completes_the_booking(
    embedded_bot: DialogTestClient,
) -> None:
    assert await embedded_bot.say(typed("paris to berlin 3/6/2036", None)) == [WHICH]
    assert await embedded_bot.say("June 3rd") == [confirm("2036-06-03", "Berlin", "Paris")]
    assert await embedded_bot.say("yes") == [
        "I have you booked to Berlin from Paris on 2036-06-03",
        "What else can I do for you?",
    ]


async def test_a_correction_in_numbers_at_the_confirmation_follows_the_same_rules(
    embedded_bot: DialogTestClient,
) -> None:
    await embedded_bot.say("paris to berlin on March 9 2036")
    assert await embedded_bot.say(typed("change the date to 3/6/2036", "en-GB")) == [
        confirm("2036-06-03", "Berlin", "Paris")
    ]
    assert await embedded_bot.say(typed("no, make it 3/6/2036", None)) == [WHICH]
    assert await embedded_bot.say("the first") == [confirm("2036-03-06", "Berlin", "Paris")]
