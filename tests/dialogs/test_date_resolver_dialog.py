"""DateResolverDialog insists on a definite date."""

import pytest

from dialogs.date_resolver_dialog import DateResolverDialog
from sdk import Activity, DialogTurnStatus
from tests.conftest import DialogTestClient

DATE = "On what date would you like to travel?"
FULL_DATE = (
    "I'm sorry, for best results, please enter your travel date including the month, day and year. "
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("tomorrow", "tomorrow"),
        ("the day after tomorrow", "day_after_tomorrow"),
        ("two days from now", "day_after_tomorrow"),
        ("in two days", "day_after_tomorrow"),
        ("tomorrow at 3pm", "tomorrow"),
    ],
)
async def test_a_relative_date(answer: str, expected: str, request: pytest.FixtureRequest) -> None:
    client = DialogTestClient(DateResolverDialog())

    assert await client.say("hi") == [DATE]
    assert await client.say(answer) == []
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result == request.getfixturevalue(expected)


async def test_a_definite_date_given_ends_at_once(tomorrow: str) -> None:
    client = DialogTestClient(DateResolverDialog(), tomorrow)

    assert await client.say("hi") == []
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result == tomorrow


async def test_a_definite_date_time_given_keeps_the_date() -> None:
    client = DialogTestClient(DateResolverDialog(), "2055-05-05T10")

    assert await client.say("hi") == []
    assert client.result.result == "2055-05-05"


async def test_not_a_date_then_a_date(tomorrow: str) -> None:
    client = DialogTestClient(DateResolverDialog())

    assert await client.say("hi") == [DATE]
    assert await client.say("bananas") == [FULL_DATE]
    assert await client.say("tomorrow") == []
    assert client.result.result == tomorrow


async def test_a_date_without_a_year_then_with_one() -> None:
    client = DialogTestClient(DateResolverDialog())

    assert await client.say("hi") == [DATE]
    assert await client.say("may 5th") == [FULL_DATE]
    assert await client.say("may 5th 2055") == []
    assert client.result.result == "2055-05-05"


async def test_an_ambiguous_date_given_opens_with_the_full_date_question() -> None:
    client = DialogTestClient(DateResolverDialog(), "XXXX-05-05")

    assert await client.say("hi") == [FULL_DATE]
    assert await client.say("5th of May 2055") == []
    assert client.result.result == "2055-05-05"


@pytest.mark.parametrize("answer", ["00:30", "00:59", "friday", "next week", "", "   "])
async def test_anything_that_is_not_one_day_gets_the_retry(answer: str) -> None:
    client = DialogTestClient(DateResolverDialog())
    await client.say("hi")

    assert await client.say(answer) == [FULL_DATE]
    assert client.result.status == DialogTurnStatus.Waiting


async def test_cancel_inside_the_date_dialog() -> None:
    client = DialogTestClient(DateResolverDialog())
    await client.say("hi")

    assert await client.say("quit") == ["Cancelling"]
    assert client.result.status == DialogTurnStatus.Complete
    assert client.result.result is None


@pytest.mark.parametrize("locale", ["fr-fr", "es-es", "fr-FR", "de-DE", "en-GB"])
async def test_dates_are_read_in_english_whatever_the_locale(locale: str, tomorrow: str) -> None:
    client = DialogTestClient(DateResolverDialog())
    await client.say("hi")

    assert await client.say(Activity(type="message", text="tomorrow", locale=locale)) == []
    assert client.result.result == tomorrow
