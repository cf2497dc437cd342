"""Interruptions during a booking, with the real embedded recognizer: what the user says,
what the bot answers, word for word."""

from datetime import date, timedelta

import pytest

from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from recognizers.embedded_recognizer import EmbeddedRecognizer
from tests.conftest import NEXT_YEAR, DialogTestClient

INTRO = "What can I help you with today?"
RESTART = "What else can I do for you?"
WHERE_TO = "Where would you like to travel to?"
WHERE_FROM = "From what city will you be travelling?"
WHEN = "On what date would you like to travel?"
FULL_DATE = (
    "I'm sorry, for best results, please enter your travel date including the month, day and year. "
)
WEATHER = "TODO: get weather flow here"
AIRPORTS = "I can book flights between Paris, London, Berlin, New York and Seattle."
DATES = (
    "You can travel on any day from today on. Tell me the day, the month and the year, "
    'or say something like "tomorrow" or "next Friday".'
)
PAST = "That date is in the past. I can only book flights from today on."


def confirm(to: str, origin: str, on: str) -> str:
    return (
        f"Please confirm, I have you traveling to: {to} from: {origin} on: {on}. (1) Yes or (2) No"
    )


@pytest.fixture(scope="module")
def recognizer() -> EmbeddedRecognizer:
    return EmbeddedRecognizer.from_file()


@pytest.fixture
async def bot(recognizer: EmbeddedRecognizer) -> DialogTestClient:
    client = DialogTestClient(MainDialog(recognizer, BookingDialog()))
    assert await client.say("Hi") == [INTRO]
    return client


async def at_the_date_question(bot: DialogTestClient) -> DialogTestClient:
    assert await bot.say("book a flight from Paris to Berlin") == [WHEN]
    return bot


async def at_the_confirmation(bot: DialogTestClient, tomorrow: str) -> DialogTestClient:
    assert await bot.say("book a flight from Paris to Berlin tomorrow") == [
        confirm("Berlin", "Paris", tomorrow)
    ]
    return bot


# Looser help and cancel


@pytest.mark.parametrize("text", ["Help!", " help ", "help?", "HELP.", "?"])
async def test_help_with_spaces_and_punctuation(bot: DialogTestClient, text: str) -> None:
    await at_the_date_question(bot)

    assert await bot.say(text) == ["Show Help..."]
    assert await bot.say(f"march 3rd {NEXT_YEAR}") == [
        confirm("Berlin", "Paris", f"{NEXT_YEAR}-03-03")
    ]


@pytest.mark.parametrize(
    "text", [" cancel.", "Quit!", "stop", "exit", "never mind", "Nevermind.", "never  mind!"]
)
async def test_more_ways_to_cancel(bot: DialogTestClient, text: str) -> None:
    await at_the_date_question(bot)

    assert await bot.say(text) == ["Cancelling", RESTART]


@pytest.mark.parametrize("text", ["cancel please", "stop it", "helpful", "exit row seat"])
async def test_a_command_must_be_the_whole_message(bot: DialogTestClient, text: str) -> None:
    assert await bot.say("book a flight") == [WHERE_TO]

    # An answer, and no city: the bot says which cities it serves and asks again.
    assert await bot.say(text) == [AIRPORTS, WHERE_TO]


# Start over


@pytest.mark.parametrize("text", ["start over", "Restart", "Start over!"])
async def test_start_over_begins_a_new_booking(
    bot: DialogTestClient, text: str, tomorrow: str
) -> None:
    await at_the_date_question(bot)

    assert await bot.say(text) == [WHERE_TO]
    assert await bot.say("Seattle") == [WHERE_FROM]
    assert await bot.say("London") == [WHEN]
    assert await bot.say("tomorrow") == [confirm("Seattle", "London", tomorrow)]


async def test_start_over_at_the_confirmation(bot: DialogTestClient, tomorrow: str) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say("start over") == [WHERE_TO]


async def test_start_over_at_the_top_asks_the_first_question_again(bot: DialogTestClient) -> None:
    assert await bot.say("start over") == [INTRO]
    assert await bot.say("book a flight") == [WHERE_TO]


# Digressions: another request, then the waiting question again


async def test_the_weather_at_the_date_question(bot: DialogTestClient, tomorrow: str) -> None:
    await at_the_date_question(bot)

    assert await bot.say("what's the weather in Paris?") == [WEATHER, WHEN]
    assert await bot.say("tomorrow") == [confirm("Berlin", "Paris", tomorrow)]


async def test_the_weather_at_a_city_question(bot: DialogTestClient) -> None:
    assert await bot.say("book a flight") == [WHERE_TO]

    assert await bot.say("is it going to snow in berlin?") == [WEATHER, WHERE_TO]
    assert await bot.say("Berlin") == [WHERE_FROM]


async def test_the_weather_at_the_confirmation(bot: DialogTestClient, tomorrow: str) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say("what is the weather like") == [
        WEATHER,
        confirm("Berlin", "Paris", tomorrow),
    ]
    assert await bot.say("yes") == [
        f"I have you booked to Berlin from Paris on {tomorrow}",
        RESTART,
    ]


async def test_the_weather_when_the_full_date_was_asked(bot: DialogTestClient) -> None:
    assert await bot.say("book a flight from Paris to Berlin on May 5th") == [FULL_DATE]

    assert await bot.say("tell me the weather") == [WEATHER, FULL_DATE]
    assert await bot.say("May 5th 2055") == [confirm("Berlin", "Paris", "2055-05-05")]


async def test_a_city_alone_is_an_answer_not_a_weather_question(bot: DialogTestClient) -> None:
    assert await bot.say("book a flight") == [WHERE_TO]

    assert await bot.say("Paris") == [WHERE_FROM]
    assert await bot.say("Berlin") == [WHEN]


# Questions about the question


@pytest.mark.parametrize(
    "text", ["which cities can I fly to?", "What airports do you have", "where can I fly?"]
)
async def test_which_cities_at_the_destination_question(bot: DialogTestClient, text: str) -> None:
    assert await bot.say("book a flight") == [WHERE_TO]

    assert await bot.say(text) == [AIRPORTS, WHERE_TO]
    assert await bot.say("London") == [WHERE_FROM]


async def test_which_cities_at_the_origin_question(bot: DialogTestClient) -> None:
    assert await bot.say("book a flight to London") == [WHERE_FROM]

    assert await bot.say("which cities can I fly from?") == [AIRPORTS, WHERE_FROM]


@pytest.mark.parametrize("text", ["what dates can I pick?", "When can I travel?"])
async def test_what_dates_at_the_date_question(bot: DialogTestClient, text: str) -> None:
    await at_the_date_question(bot)

    assert await bot.say(text) == [DATES, WHEN]
    assert await bot.say(f"march 3rd {NEXT_YEAR}") == [
        confirm("Berlin", "Paris", f"{NEXT_YEAR}-03-03")
    ]


# More than was asked


async def test_everything_at_the_destination_question(bot: DialogTestClient, tomorrow: str) -> None:
    assert await bot.say("book a flight") == [WHERE_TO]

    assert await bot.say("to Berlin from Paris tomorrow") == [confirm("Berlin", "Paris", tomorrow)]


async def test_a_city_and_a_date_at_the_origin_question(
    bot: DialogTestClient, tomorrow: str
) -> None:
    assert await bot.say("book a flight to London") == [WHERE_FROM]

    assert await bot.say("Paris tomorrow") == [confirm("London", "Paris", tomorrow)]


async def test_the_other_city_at_the_destination_question(bot: DialogTestClient) -> None:
    assert await bot.say("book a flight") == [WHERE_TO]

    assert await bot.say("from Seattle") == [WHERE_TO]
    assert await bot.say("Berlin") == [WHEN]
    assert await bot.say(f"march 3rd {NEXT_YEAR}") == [
        confirm("Berlin", "Seattle", f"{NEXT_YEAR}-03-03")
    ]


async def test_cities_at_the_date_question(bot: DialogTestClient) -> None:
    await at_the_date_question(bot)

    assert await bot.say(f"to London on march 3rd {NEXT_YEAR}") == [
        confirm("London", "Paris", f"{NEXT_YEAR}-03-03")
    ]


# Corrections at the confirmation


@pytest.mark.parametrize(
    ("text", "to", "origin", "on"),
    [
        ("no, to London", "London", "Paris", None),
        (f"change the date to march 3rd {NEXT_YEAR}", "Berlin", "Paris", f"{NEXT_YEAR}-03-03"),
        ("actually from Seattle", "Berlin", "Seattle", None),
    ],
)
async def test_a_correction_confirms_again(
    bot: DialogTestClient, text: str, to: str, origin: str, on: str | None, tomorrow: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say(text) == [confirm(to, origin, on or tomorrow)]
    assert await bot.say("yes") == [
        f"I have you booked to {to} from {origin} on {on or tomorrow}",
        RESTART,
    ]


async def test_two_corrections_in_a_row(bot: DialogTestClient, tomorrow: str) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say("no, to London") == [confirm("London", "Paris", tomorrow)]
    assert await bot.say("actually from Seattle") == [confirm("London", "Seattle", tomorrow)]


async def test_a_plain_no_still_ends_the_booking(bot: DialogTestClient, tomorrow: str) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say("no") == [RESTART]


async def test_a_date_without_a_year_as_a_correction_asks_for_the_year(
    bot: DialogTestClient, tomorrow: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say("change the date to May 5th") == [FULL_DATE]
    assert await bot.say("May 5th 2055") == [confirm("Berlin", "Paris", "2055-05-05")]


async def test_an_unsupported_city_as_a_correction(bot: DialogTestClient, tomorrow: str) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say("no, to Tokyo") == [
        "Sorry but the following airports are not supported: Tokyo",
        confirm("Berlin", "Paris", tomorrow),
    ]


# Past dates


@pytest.fixture
def last_year() -> str:
    return date(date.today().year - 1, 3, 3).isoformat()


async def test_a_past_date_is_refused(bot: DialogTestClient, last_year: str, tomorrow: str) -> None:
    await at_the_date_question(bot)

    assert await bot.say(last_year) == [PAST, WHEN]
    assert await bot.say("yesterday") == [PAST, WHEN]
    assert await bot.say("tomorrow") == [confirm("Berlin", "Paris", tomorrow)]


async def test_a_past_date_in_the_request_is_refused(bot: DialogTestClient, last_year: str) -> None:
    assert await bot.say(f"book a flight from Paris to Berlin on {last_year}") == [PAST, WHEN]


async def test_today_is_not_past(bot: DialogTestClient, today: str) -> None:
    await at_the_date_question(bot)

    assert await bot.say("today") == [confirm("Berlin", "Paris", today)]


async def test_a_past_date_as_a_correction(bot: DialogTestClient, tomorrow: str) -> None:
    await at_the_confirmation(bot, tomorrow)
    yesterday = (date.today() - timedelta(days=1)).isoformat()

    assert await bot.say(f"change the date to {yesterday}") == [PAST, WHEN]


# Interruptions inside the nested date dialog


async def test_help_cancel_and_start_over_inside_the_date_dialog(bot: DialogTestClient) -> None:
    await at_the_date_question(bot)

    assert await bot.say("help") == ["Show Help..."]
    assert await bot.say("which cities can I fly to?") == [AIRPORTS, WHEN]
    assert await bot.say("start over") == [WHERE_TO]
    assert await bot.say("Paris") == [WHERE_FROM]
    assert await bot.say("Berlin") == [WHEN]
    assert await bot.say("cancel") == ["Cancelling", RESTART]
