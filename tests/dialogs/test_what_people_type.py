"""What people type at the booking's questions, and what the bot answers, word for word.

Each transcript runs twice: with the embedded recognizer, and with a back end that
understands nothing but the first request (as a LUIS or CLU model that knows none of these
answers would): the rules at the questions are the dialogs' own.
"""

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from dialogs.booking_dialog import BookingDialog
from dialogs.main_dialog import MainDialog
from helpers.luis_helper import IntentRecognizer
from recognizers.embedded_recognizer import EmbeddedRecognizer
from tests.conftest import NEXT_YEAR, DialogTestClient, StubRecognizer, luis_result

INTRO = "What can I help you with today?"
RESTART = "What else can I do for you?"
WHERE_TO = "Where would you like to travel to?"
WHERE_FROM = "From what city will you be travelling?"
WHEN = "On what date would you like to travel?"
FULL_DATE = (
    "I'm sorry, for best results, please enter your travel date including the month, day and year. "
)
PAST = "That date is in the past. I can only book flights from today on."
AIRPORTS = "I can book flights between Paris, London, Berlin, New York and Seattle."
ONLY_THIS = "Right now I can only book this flight: say yes to book it, or no to drop it."
YES_OR_NO = "Sorry, was that a yes or a no?"
EXPLAIN = (
    "I can book flights between Paris, London, Berlin, New York and Seattle. "
    "At any of my questions you can say help, cancel or start over."
)


def confirm(to: str, origin: str, on: str) -> str:
    return (
        f"Please confirm, I have you traveling to: {to} from: {origin} on: {on}. (1) Yes or (2) No"
    )


def booked(to: str, origin: str, on: str) -> str:
    return f"I have you booked to {to} from {origin} on {on}"


def not_supported(*names: str) -> str:
    return f"Sorry but the following airports are not supported: {', '.join(names)}"


@pytest.fixture(scope="module")
def embedded() -> EmbeddedRecognizer:
    return EmbeddedRecognizer.from_file()


def knows_only_the_request(_: EmbeddedRecognizer) -> IntentRecognizer:
    return StubRecognizer(luis_result("BookFlight", text="book a flight"))


def the_embedded_one(recognizer: EmbeddedRecognizer) -> IntentRecognizer:
    return recognizer


@pytest.fixture(params=[the_embedded_one, knows_only_the_request], ids=["embedded", "stub"])
async def bot(request: pytest.FixtureRequest, embedded: EmbeddedRecognizer) -> DialogTestClient:
    back_end: Callable[[EmbeddedRecognizer], IntentRecognizer] = request.param
    client = DialogTestClient(MainDialog(back_end(embedded), BookingDialog()))
    assert await client.say("Hi") == [INTRO]
    assert await client.say("book a flight") == [WHERE_TO]
    return client


async def at_the_date_question(bot: DialogTestClient) -> None:
    assert await bot.say("Paris") == [WHERE_FROM]
    assert await bot.say("Berlin") == [WHEN]


async def at_the_confirmation(bot: DialogTestClient, tomorrow: str) -> None:
    await at_the_date_question(bot)
    assert await bot.say("tomorrow") == [confirm("Paris", "Berlin", tomorrow)]


# At a city question


@pytest.mark.parametrize(
    ("typed", "airport"),
    [
        ("Berln", "Berlin"),
        ("pariss", "Paris"),
        ("Lodnon please", "London"),
        ("new yrok", "New York"),
        ("NYC", "New York"),
        ("seatle", "Seattle"),
        ("to Berlin", "Berlin"),
        ("heathrow", "London"),
    ],
)
async def test_a_misspelt_airport_is_taken_by_its_name(
    bot: DialogTestClient, tomorrow: str, typed: str, airport: str
) -> None:
    assert await bot.say(typed) == [WHERE_FROM]
    origin = "Seattle" if airport != "Seattle" else "Paris"
    assert await bot.say(origin) == [WHEN]
    assert await bot.say("tomorrow") == [confirm(airport, origin, tomorrow)]


@pytest.mark.parametrize(
    ("typed", "named"),
    [("Rome", "Rome"), ("san francisco", "San Francisco"), ("Tokyo please", "Tokyo")],
)
async def test_a_city_the_bot_does_not_serve_is_never_booked(
    bot: DialogTestClient, tomorrow: str, typed: str, named: str
) -> None:
    assert await bot.say(typed) == [not_supported(named), WHERE_TO]
    assert await bot.say("Paris") == [WHERE_FROM]
    assert await bot.say("Rome") == [not_supported("Rome"), WHERE_FROM]
    assert await bot.say("Berlin") == [WHEN]
    assert await bot.say("tomorrow") == [confirm("Paris", "Berlin", tomorrow)]
    assert await bot.say("yes") == [booked("Paris", "Berlin", tomorrow), RESTART]


@pytest.mark.parametrize("text", ["I'm in London", "i'm currently in london", "from London"])
async def test_where_the_user_is_answers_the_origin_question(
    bot: DialogTestClient, tomorrow: str, text: str
) -> None:
    assert await bot.say("Paris") == [WHERE_FROM]

    assert await bot.say(text) == [WHEN]
    assert await bot.say("tomorrow") == [confirm("Paris", "London", tomorrow)]


@pytest.mark.parametrize("text", ["idk", "somewhere warm", "the same as last time"])
async def test_an_answer_with_no_city_gets_the_cities_served(
    bot: DialogTestClient, text: str
) -> None:
    assert await bot.say(text) == [AIRPORTS, WHERE_TO]
    assert await bot.say("Paris") == [WHERE_FROM]


# At the date question


@pytest.mark.parametrize(
    ("said", "month_day"),
    [("march 1st next year", "03-01"), ("the 5th of June, next year", "06-05")],
)
async def test_a_day_in_next_year_is_that_day(
    bot: DialogTestClient, said: str, month_day: str
) -> None:
    await at_the_date_question(bot)

    on = f"{NEXT_YEAR}-{month_day}"
    assert await bot.say(said) == [confirm("Paris", "Berlin", on)]


async def test_a_date_after_an_equals_sign(bot: DialogTestClient) -> None:
    await at_the_date_question(bot)

    assert await bot.say("Date = 2036-06-15") == [confirm("Paris", "Berlin", "2036-06-15")]


@pytest.mark.parametrize(
    "span",
    [
        "in two weeks",
        "next week",
        "this weekend",
        "in december",
        "next month",
        f"the week of May 10, {NEXT_YEAR}",
    ],
)
async def test_a_span_is_not_a_date_in_the_past(bot: DialogTestClient, span: str) -> None:
    await at_the_date_question(bot)

    assert await bot.say(span) == [FULL_DATE]
    assert await bot.say(f"march 3rd {NEXT_YEAR}") == [
        confirm("Paris", "Berlin", f"{NEXT_YEAR}-03-03")
    ]


async def test_only_a_day_before_today_is_in_the_past(bot: DialogTestClient) -> None:
    await at_the_date_question(bot)

    assert await bot.say("yesterday") == [PAST, WHEN]


@pytest.mark.parametrize(
    ("typed", "days"),
    [("tmrw", 1), ("2moro", 1), ("tomorow", 1), ("the day after tommorow", 2), ("in 3 days", 3)],
)
async def test_a_misspelt_date_word_is_that_word(
    bot: DialogTestClient, typed: str, days: int
) -> None:
    await at_the_date_question(bot)

    on = (date.today() + timedelta(days=days)).isoformat()
    assert await bot.say(typed) == [confirm("Paris", "Berlin", on)]


async def test_a_misspelt_month_is_that_month(bot: DialogTestClient) -> None:
    await at_the_date_question(bot)

    assert await bot.say(f"janury 15 {NEXT_YEAR}") == [
        confirm("Paris", "Berlin", f"{NEXT_YEAR}-01-15")
    ]


# At the confirmation


@pytest.mark.parametrize(
    "text", ["can I also rent a car?", "maybe", "do you have window seats", "hmm"]
)
async def test_something_else_at_the_confirmation_gets_one_sentence(
    bot: DialogTestClient, tomorrow: str, text: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say(text) == [ONLY_THIS, confirm("Paris", "Berlin", tomorrow)]
    assert await bot.say("yes") == [booked("Paris", "Berlin", tomorrow), RESTART]


@pytest.mark.parametrize("text", ["where am I flying to?", "when do I leave?", "what date?"])
async def test_a_question_about_the_booking_is_answered(
    bot: DialogTestClient, tomorrow: str, text: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say(text) == [
        f"You are flying to Paris from Berlin on {tomorrow}.",
        confirm("Paris", "Berlin", tomorrow),
    ]


@pytest.mark.parametrize("text", ["yse", "noo", "yess", "nopee"])
async def test_a_garbled_yes_or_no_is_asked_again_never_taken_as_yes(
    bot: DialogTestClient, tomorrow: str, text: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say(text) == [YES_OR_NO, confirm("Paris", "Berlin", tomorrow)]
    assert await bot.say("no") == [RESTART]


# At the first question


@pytest.mark.parametrize("text", ["help", "?", "what can you do?"])
async def test_help_at_the_first_question_says_what_the_bot_does(
    bot: DialogTestClient, text: str
) -> None:
    assert await bot.say("cancel") == ["Cancelling", RESTART]

    assert await bot.say(text) == [EXPLAIN, RESTART]
    assert await bot.say("book a flight") == [WHERE_TO]
    assert await bot.say("help") == ["Show Help..."]


# What new users tried


async def test_a_date_that_is_no_answer_is_never_a_yes(
    bot: DialogTestClient, tomorrow: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say("2026-13-01") == [ONLY_THIS, confirm("Paris", "Berlin", tomorrow)]
    assert await bot.say("1") == [booked("Paris", "Berlin", tomorrow), RESTART]


@pytest.mark.parametrize(
    ("text", "booking"), [("ya", True), ("👍", True), ("correct", True), ("nah", False)]
)
async def test_yes_and_no_as_people_type_them(
    bot: DialogTestClient, tomorrow: str, text: str, booking: bool
) -> None:
    await at_the_confirmation(bot, tomorrow)

    said = [booked("Paris", "Berlin", tomorrow), RESTART] if booking else [RESTART]
    assert await bot.say(text) == said


@pytest.mark.parametrize("day", ["February 30 2027", "2027-02-29", "april 31 2027"])
async def test_a_day_that_does_not_exist_is_asked_again(bot: DialogTestClient, day: str) -> None:
    await at_the_date_question(bot)

    assert await bot.say(day) == [FULL_DATE]


async def test_the_origin_cannot_be_the_destination(bot: DialogTestClient, tomorrow: str) -> None:
    assert await bot.say("Paris") == [WHERE_FROM]

    assert await bot.say("paris") == ["A flight can't start and end in Paris.", WHERE_FROM]
    assert await bot.say("Berlin") == [WHEN]


@pytest.mark.parametrize("text", ["which cities do you fly to?", "where else do you fly?"])
async def test_the_cities_question_at_the_date_question_and_the_confirmation(
    bot: DialogTestClient, tomorrow: str, text: str
) -> None:
    await at_the_date_question(bot)
    assert await bot.say(text) == [AIRPORTS, WHEN]
    assert await bot.say("tomorrow") == [confirm("Paris", "Berlin", tomorrow)]

    assert await bot.say(text) == [AIRPORTS, confirm("Paris", "Berlin", tomorrow)]


@pytest.mark.parametrize(
    "text", ["no, the other way round", "other way around please", "swap them", "vice versa"]
)
async def test_the_other_way_round_at_the_confirmation(
    bot: DialogTestClient, tomorrow: str, text: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say(text) == [confirm("Berlin", "Paris", tomorrow)]


# First messages and answers that only a recognizer reads (the embedded one)


@pytest.fixture
async def embedded_bot(embedded: EmbeddedRecognizer) -> DialogTestClient:
    client = DialogTestClient(MainDialog(embedded, BookingDialog()))
    assert await client.say("Hi") == [INTRO]
    return client


async def test_the_same_city_twice_asks_for_the_origin(
    embedded_bot: DialogTestClient, tomorrow: str
) -> None:
    assert await embedded_bot.say("London to London tomorrow") == [
        "A flight can't start and end in London.",
        WHERE_FROM,
    ]
    assert await embedded_bot.say("Paris") == [confirm("London", "Paris", tomorrow)]


@pytest.mark.parametrize(
    ("text", "to", "origin", "on"),
    [
        ("Paris from Berlin tomorrow", "Paris", "Berlin", None),
        (
            f"Seattle, leaving from London on {NEXT_YEAR}-12-18",
            "Seattle",
            "London",
            f"{NEXT_YEAR}-12-18",
        ),
    ],
)
async def test_more_than_was_asked_at_the_destination_question(
    embedded_bot: DialogTestClient,
    tomorrow: str,
    text: str,
    to: str,
    origin: str,
    on: str | None,
) -> None:
    assert await embedded_bot.say("book a flight") == [WHERE_TO]

    assert await embedded_bot.say(text) == [confirm(to, origin, on or tomorrow)]


async def test_a_past_date_as_a_correction_is_said_to_be_past(
    embedded_bot: DialogTestClient, tomorrow: str
) -> None:
    assert await embedded_bot.say("book a flight from Paris to Berlin tomorrow") == [
        confirm("Berlin", "Paris", tomorrow)
    ]

    assert await embedded_bot.say("no, 2026-11-01") == [PAST, WHEN]


async def test_an_unknown_city_before_to_is_named(embedded_bot: DialogTestClient) -> None:
    assert await embedded_bot.say("Londonderry to Paris tomorrow") == [
        not_supported("Londonderry"),
        WHERE_FROM,
    ]


# What a second round of new users tried


@pytest.mark.parametrize(
    "text", ["yes but can we make it the 6th?", "sure, but is it the cheapest?", "yes, but wait"]
)
async def test_a_yes_that_takes_itself_back_is_no_yes(
    bot: DialogTestClient, tomorrow: str, text: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say(text) == [
        'To change it, tell me what is different, like "to London" or "on March 3rd 2027".',
        confirm("Paris", "Berlin", tomorrow),
    ]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("nope, wrong date", WHEN),
        ("no, wrong city", WHERE_TO),
        ("I want to change the date", WHEN),
        ("different origin please", WHERE_FROM),
    ],
)
async def test_what_is_said_to_be_wrong_is_asked_again(
    bot: DialogTestClient, tomorrow: str, text: str, question: str
) -> None:
    await at_the_confirmation(bot, tomorrow)

    assert await bot.say(text) == [question]


@pytest.mark.parametrize("text", ["forget it", "Forget about it!"])
async def test_forget_it_cancels(bot: DialogTestClient, text: str) -> None:
    assert await bot.say(text) == ["Cancelling", RESTART]


async def test_a_date_whose_day_and_month_could_be_swapped_is_asked_for(
    bot: DialogTestClient,
) -> None:
    await at_the_date_question(bot)

    # No locale says which is the month (tests/dialogs/test_dates_by_locale.py). A year far
    # ahead: the days must stay in the future, whenever the test runs.
    assert await bot.say("05/12/2036") == ["Do you mean May 12, 2036 or December 5, 2036?"]
    assert await bot.say("December 5 2036") == [confirm("Paris", "Berlin", "2036-12-05")]


@pytest.mark.parametrize(
    ("text", "to", "origin"),
    [
        (f"not to Paris, to London from Berlin on {NEXT_YEAR}-01-05", "London", "Berlin"),
        (
            f"to Paris, sorry, I mean to London, from Berlin on {NEXT_YEAR}-01-05",
            "London",
            "Berlin",
        ),
        (f"from Paris, no wait, from Berlin to London on {NEXT_YEAR}-01-05", "London", "Berlin"),
    ],
)
async def test_a_city_ruled_out_is_never_confirmed(
    embedded_bot: DialogTestClient, text: str, to: str, origin: str
) -> None:
    assert await embedded_bot.say(text) == [confirm(to, origin, f"{NEXT_YEAR}-01-05")]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (f"London to Paris or Berlin on {NEXT_YEAR}-01-05", WHERE_TO),
        (f"from London or Seattle to Berlin on {NEXT_YEAR}-01-05", WHERE_FROM),
        (f"Paris to London on Jan 5 {NEXT_YEAR} or Jan 6 {NEXT_YEAR}", WHEN),
        ("Paris to London on 05/01/2036", "Do you mean May 1, 2036 or January 5, 2036?"),
    ],
)
async def test_alternatives_are_asked_for_not_guessed(
    embedded_bot: DialogTestClient, text: str, question: str
) -> None:
    assert await embedded_bot.say(text) == [question]


async def test_yes_but_another_city_changes_the_destination(
    embedded_bot: DialogTestClient, tomorrow: str
) -> None:
    assert await embedded_bot.say("book a flight from Berlin to Paris tomorrow") == [
        confirm("Paris", "Berlin", tomorrow)
    ]

    assert await embedded_bot.say("yes but make it London") == [
        confirm("London", "Berlin", tomorrow)
    ]
    assert await embedded_bot.say("yes, London is right") == [
        booked("London", "Berlin", tomorrow),
        RESTART,
    ]


@pytest.mark.parametrize(
    ("correction", "to", "origin", "on"),
    [
        ("change Paris to Seattle", "Berlin", "Seattle", "2036-03-06"),
        ("not Paris, Seattle", "Berlin", "Seattle", "2036-03-06"),
        ("Seattle instead of Berlin", "Seattle", "Paris", "2036-03-06"),
        ("replace berlin with london", "London", "Paris", "2036-03-06"),
        ("make it March 7 instead of March 6", "Berlin", "Paris", "2036-03-07"),
        ("change march 6 to the 9th", "Berlin", "Paris", "2036-03-09"),
        ("the 9th instead of March 6", "Berlin", "Paris", "2036-03-09"),
        ("the 9th instead of the 6th", "Berlin", "Paris", "2036-03-09"),
        ("not March 6 2036, April 2 2036", "Berlin", "Paris", "2036-04-02"),
    ],
)
async def test_a_correction_that_names_the_old_value_changes_that_one(
    embedded_bot: DialogTestClient, correction: str, to: str, origin: str, on: str
) -> None:
    assert await embedded_bot.say("from paris to berlin on march 6 2036") == [
        confirm("Berlin", "Paris", "2036-03-06")
    ]

    assert await embedded_bot.say(correction) == [confirm(to, origin, on)]


async def test_a_correction_naming_the_old_value_works_at_any_question(
    embedded_bot: DialogTestClient,
) -> None:
    assert await embedded_bot.say("from paris to berlin") == [WHEN]

    assert await embedded_bot.say("sorry, change Paris to London") == [WHEN]
    assert await embedded_bot.say("march 6 2036") == [confirm("Berlin", "London", "2036-03-06")]


async def test_a_new_city_the_bot_does_not_serve_is_named_and_nothing_changes(
    embedded_bot: DialogTestClient,
) -> None:
    await embedded_bot.say("from paris to berlin on march 6 2036")

    assert await embedded_bot.say("change Paris to Rome") == [
        not_supported("Rome"),
        confirm("Berlin", "Paris", "2036-03-06"),
    ]


async def test_cities_with_their_roles_said_are_no_replacement(
    embedded_bot: DialogTestClient,
) -> None:
    await embedded_bot.say("from paris to berlin on march 6 2036")

    assert await embedded_bot.say("no, to London from Paris") == [
        confirm("London", "Paris", "2036-03-06")
    ]
