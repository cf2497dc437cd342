"""Messages the bot did not expect get a helpful answer, and the user's progress survives."""

import asyncio
import logging
import random
import time
from typing import Any

import pytest

from storage.memory import MemoryStorage
from tests.conftest import NEXT_YEAR, EmulatorClient, StartBot

TOO_LONG = "Sorry, that message is too long for me. Please keep it under 1000 characters."


async def at_the_date_prompt(emulator: EmulatorClient) -> None:
    await emulator.join()
    assert await emulator.say("fly from Berlin to Paris") == [
        "On what date would you like to travel?"
    ]


class LoopLag:
    """Measures how long the event loop stays blocked while the block runs."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._running = True

    async def _probe(self) -> None:
        while self._running:
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            self.worst = max(self.worst, time.perf_counter() - started - 0.005)

    async def __aenter__(self) -> "LoopLag":
        self._task = asyncio.create_task(self._probe())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._running = False
        await self._task


@pytest.mark.parametrize("length", [1001, 20_000, 100_000])
async def test_a_very_long_message_is_refused_and_the_question_repeated(
    start_bot: StartBot, length: int
) -> None:
    emulator = await start_bot()
    await at_the_date_prompt(emulator)

    async with LoopLag() as loop_lag:
        replies = await emulator.say("7" * length)

    assert replies == [TOO_LONG, "On what date would you like to travel?"]
    assert loop_lag.worst < 0.1
    assert await emulator.say(f"march 3rd {NEXT_YEAR}") == [
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {NEXT_YEAR}-03-03."
    ]


def hard_for_the_date_recognizer(length: int) -> str:
    """Digits make recognizers-text slowest: about a second for 1,000 characters."""
    numbers = random.Random(7)
    return " ".join(str(numbers.randint(1, 31)) for _ in range(length))[:length]


@pytest.mark.parametrize("prompt", ["main", "date", "confirm"])
async def test_a_message_hard_to_read_does_not_block_other_conversations(
    start_bot: StartBot, prompt: str
) -> None:
    emulator = await start_bot()
    await emulator.join()
    if prompt == "date":
        await emulator.say("fly from Berlin to Paris")
    elif prompt == "confirm":
        await emulator.say(f"fly from Berlin to Paris on march 3rd {NEXT_YEAR}")
    other = emulator.in_conversation("conversation-2")

    async with LoopLag() as loop_lag:
        slow = asyncio.create_task(emulator.say(hard_for_the_date_recognizer(1000)))
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        async with other.session.post(other.url, json=other.activity(text="hi")) as response:
            assert response.status == 201
        other_took = time.perf_counter() - started
        await slow

    assert loop_lag.worst < 0.1
    assert other_took < 0.5


async def test_a_message_of_exactly_the_limit_is_read(start_bot: StartBot) -> None:
    emulator = await start_bot()
    await emulator.join()

    assert await emulator.say("fly to Paris" + " " * 988) == [
        "From what city will you be travelling?"
    ]


@pytest.mark.parametrize(
    "answer", ["", "   ", "\u200b", "\u200b\u200c\u200d\ufeff", "\u202e\u2066 \t\u2069"]
)
async def test_a_blank_or_invisible_city_is_asked_again(start_bot: StartBot, answer: str) -> None:
    emulator = await start_bot()
    await emulator.join()
    await emulator.say("fly to Paris")

    assert await emulator.say(answer) == ["From what city will you be travelling?"]
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]


async def test_a_city_too_long_to_repeat_is_asked_again(start_bot: StartBot) -> None:
    emulator = await start_bot()
    await emulator.join()
    await emulator.say("fly to Paris")

    assert await emulator.say("Berlin" * 20) == ["From what city will you be travelling?"]


async def test_control_and_bidi_characters_are_not_echoed(
    start_bot: StartBot, tomorrow: str
) -> None:
    emulator = await start_bot()
    await emulator.join()
    await emulator.say("fly to Paris")
    await emulator.say("\u202eBer\u200blin\u0007\u2066")
    confirm = (await emulator.say("tomorrow"))[0]

    assert confirm == f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."


async def test_an_unsupported_city_is_echoed_clean_and_bounded(start_bot: StartBot) -> None:
    emulator = await start_bot()
    await emulator.join()

    replies = await emulator.say("fly to \u202eTim\u200bbuktu\u202c")

    assert replies == [
        "Sorry but the following airports are not supported: Timbuktu",
        "Where would you like to travel to?",
    ]


async def test_delete_user_data_forgets_the_user_and_the_conversation(
    start_bot: StartBot,
) -> None:
    storage = MemoryStorage()
    emulator = await start_bot(storage=storage)
    await at_the_date_prompt(emulator)
    # The bot keeps nothing per user itself; a user-state entry stands in for what it could.
    await storage.write({"emulator/users/user-1": {"name": "User"}})
    assert set(storage.stored_keys()) == {
        "emulator/conversations/conversation-1",
        "emulator/users/user-1",
    }

    assert await emulator.post(emulator.activity(type="deleteUserData")) == []

    assert storage.stored_keys() == []
    # Nothing of the booking is left: a date alone is no request.
    assert await emulator.say("tomorrow") == [
        "Sorry, I didn't get that. Please try asking in a different way",
        "What else can I do for you?",
    ]


@pytest.mark.parametrize(
    "sender", [{"from": None}, {"from": {"name": "User"}}, {"from": {"id": ""}}]
)
async def test_delete_user_data_from_nobody_forgets_the_conversation_quietly(
    start_bot: StartBot, sender: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    storage = MemoryStorage()
    emulator = await start_bot(storage=storage)
    await at_the_date_prompt(emulator)
    await storage.write({"emulator/users/user-1": {"name": "User"}})
    body = {**emulator.activity(type="deleteUserData"), **sender}

    assert (
        await emulator.post({key: value for key, value in body.items() if value is not None}) == []
    )

    # Whose user state it would be is not known: it stays.
    assert set(storage.stored_keys()) == {"emulator/users/user-1"}
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []
    # Nothing of the booking is left: a date alone is no request.
    assert await emulator.say("tomorrow") == [
        "Sorry, I didn't get that. Please try asking in a different way",
        "What else can I do for you?",
    ]


@pytest.mark.parametrize(
    "activity",
    [
        {"type": "typing"},
        {"type": "event", "name": "webchat/join", "value": {"x": 1}},
        {"type": "messageReaction", "reactionsAdded": [{"type": "like"}]},
        {"type": "messageUpdate", "text": "Munich"},
        {"type": "messageDelete"},
        {"type": "installationUpdate", "action": "remove"},
        {"type": "endOfConversation"},
        {"type": "conversationUpdate", "membersRemoved": [{"id": "user-1"}]},
        {"type": "handoff"},
        {"type": "somethingNew", "text": "Munich"},
        {"type": "message", "attachments": [{"contentType": "image/png", "contentUrl": "x"}]},
        {"type": "message", "value": {"action": "submit"}},
    ],
    ids=lambda activity: (
        activity["type"] + ("-" + next(iter(activity)) if len(activity) > 1 else "")
    ),
)
async def test_other_activities_leave_the_dialog_as_it_was(
    start_bot: StartBot, activity: dict[str, Any]
) -> None:
    emulator = await start_bot()
    await emulator.join()
    await emulator.say("fly to Paris")

    replies = await emulator.post(emulator.activity(**activity))

    assert [reply.get("text") for reply in replies] in (
        [],
        ["From what city will you be travelling?"],
    )
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]


def card_action_error(code: str, message: str) -> dict[str, Any]:
    """The answer the Universal Actions protocol gives to an `adaptiveCard/action` it refuses."""
    return {
        "statusCode": 400,
        "type": "application/vnd.microsoft.error",
        "value": {"code": code, "message": message},
    }


MALFORMED = card_action_error("BadRequest", "Value property is not properly formed")


@pytest.mark.parametrize("channel", ["emulator", "msteams"])
@pytest.mark.parametrize(
    ("invoke", "status", "body"),
    [
        pytest.param(
            {
                "name": "signin/tokenExchange",
                "value": {"id": "x-1", "connectionName": "sso", "token": "eyJ0eXAi"},
            },
            501,
            None,
            id="token-exchange",
        ),
        pytest.param(
            {"name": "signin/verifyState", "value": {"state": "123456"}}, 501, None, id="verify"
        ),
        pytest.param({"name": "something/unknown"}, 501, None, id="unknown"),
        pytest.param({"name": "task/fetch", "value": {"data": {}}}, 501, None, id="task-fetch"),
        pytest.param({}, 501, None, id="no-name"),
        pytest.param(
            {
                "name": "adaptiveCard/action",
                "value": {"action": {"type": "Action.Execute", "verb": "book"}},
            },
            501,
            None,
            id="card-execute",
        ),
        pytest.param(
            {"name": "adaptiveCard/action", "value": "not an object"},
            400,
            MALFORMED,
            id="card-value-string",
        ),
        pytest.param(
            {"name": "adaptiveCard/action", "value": [1, 2]}, 400, MALFORMED, id="card-value-list"
        ),
        pytest.param(
            {"name": "adaptiveCard/action", "value": {"verb": "x", "unexpected": 1}},
            400,
            card_action_error("BadRequest", "Missing action property"),
            id="card-value-no-action",
        ),
        pytest.param(
            {"name": "adaptiveCard/action", "value": {"action": None}},
            400,
            card_action_error("BadRequest", "Missing action property"),
            id="card-action-null",
        ),
        pytest.param(
            {"name": "adaptiveCard/action", "value": {"action": "Action.Execute"}},
            400,
            MALFORMED,
            id="card-action-string",
        ),
        pytest.param(
            {"name": "adaptiveCard/action", "value": {"action": {"type": "Action.Submit"}}},
            400,
            card_action_error("NotSupported", "The action 'Action.Submit' is not supported."),
            id="card-submit",
        ),
        pytest.param(
            {"name": "adaptiveCard/action"},
            400,
            card_action_error("BadRequest", "Missing value property"),
            id="card-no-value",
        ),
    ],
)
async def test_an_invoke_the_bot_does_not_handle_is_answered_and_changes_nothing(
    start_bot: StartBot,
    caplog: pytest.LogCaptureFixture,
    channel: str,
    invoke: dict[str, Any],
    status: int,
    body: dict[str, Any] | None,
) -> None:
    emulator = await start_bot()
    emulator.channel_id = channel
    if channel == "msteams":  # Teams greets when the app is installed
        await emulator.post(emulator.activity(type="installationUpdate", action="add"))
    else:
        await emulator.join()
    assert await emulator.say("fly to Paris") == ["From what city will you be travelling?"]

    async with emulator.session.post(
        emulator.url, json=emulator.activity(type="invoke", **invoke)
    ) as response:
        assert response.status == status
        assert (await response.json() if body else None) == body
    assert emulator.connector.take() == []
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]


async def test_ids_as_long_as_a_channel_sends_are_taken(start_bot: StartBot) -> None:
    emulator = await start_bot()
    # Teams' longest: a group chat's conversation id with its message id.
    emulator.conversation_id = "19:" + "a" * 1000 + "@thread.v2"

    replies = await emulator.post(emulator.activity(text="hi", id="1" * 1024))

    assert [reply.get("text") for reply in replies][-1] == "What can I help you with today?"


async def test_hundreds_of_members_joining_get_one_greeting(start_bot: StartBot) -> None:
    emulator = await start_bot()
    members = [{"id": f"user-{n}", "name": f"User {n}"} for n in range(500)]

    replies = await emulator.post(
        emulator.activity(type="conversationUpdate", membersAdded=[*members, {"id": "bot-1"}])
    )

    assert [reply.get("text") for reply in replies] == [None, "What can I help you with today?"]
    assert replies[0]["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"serviceUrl": "http://127.0.0.1:99999"}, id="port-out-of-range"),
        pytest.param({"serviceUrl": "http://[::1"}, id="unclosed-ipv6"),
        pytest.param({"serviceUrl": "http://:80/"}, id="no-host"),
        pytest.param({"serviceUrl": "ftp://127.0.0.1/"}, id="not-http"),
        pytest.param({"serviceUrl": "http://127.0.0.1:0/"}, id="port-zero"),
        pytest.param({"serviceUrl": 42}, id="number"),
        pytest.param({"serviceUrl": ["http://127.0.0.1/"]}, id="list"),
        pytest.param({"serviceUrl": {"url": "http://127.0.0.1/"}}, id="object"),
        pytest.param({"serviceUrl": "http://\ud800/"}, id="service-url-surrogate"),
        pytest.param({"id": "\ud800"}, id="activity-id-surrogate"),
        pytest.param({"from": {"id": "user-\udc00"}}, id="from-id-surrogate"),
        pytest.param({"recipient": {"id": "\ud800bot"}}, id="recipient-id-surrogate"),
        pytest.param({"replyToId": "\ud800"}, id="reply-to-id-surrogate"),
        pytest.param(
            {"conversation": {"id": "conversation-1\ud800"}}, id="conversation-id-surrogate"
        ),
        pytest.param({"channelId": "emulator\ud800"}, id="channel-id-surrogate"),
        pytest.param({"id": "a" * 1025}, id="activity-id-too-long"),
        pytest.param({"from": {"id": "u" * 200_000}}, id="from-id-too-long"),
        pytest.param({"recipient": {"id": "b" * 1025}}, id="recipient-id-too-long"),
        pytest.param({"replyToId": "r" * 1025}, id="reply-to-id-too-long"),
        pytest.param({"conversation": {"id": "c" * 200_000}}, id="conversation-id-too-long"),
        pytest.param({"serviceUrl": "http://127.0.0.1/" + "s" * 2048}, id="service-url-too-long"),
    ],
)
async def test_an_unusable_address_is_refused_before_the_turn_runs(
    start_bot: StartBot, change: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    emulator = await start_bot()
    await at_the_date_prompt(emulator)

    async with emulator.session.post(
        emulator.url, json={**emulator.activity(text="tomorrow"), **change}
    ) as response:
        assert response.status == 400
        assert "error" in await response.json()
    assert emulator.connector.take() == []
    assert [record for record in caplog.records if record.exc_info] == []

    # The booking did not move on: a "yes" now answers the date question, and books nothing.
    assert await emulator.say("yes") == [
        "I'm sorry, for best results, please enter your travel date including the month, "
        "day and year. "
    ]


@pytest.mark.parametrize(
    "channel_id", ["emulator/conversations/T", "/", "emulator/", "a b", "emulator\n", "x" * 65]
)
async def test_a_channel_id_that_is_not_a_simple_name_is_refused(
    start_bot: StartBot, tomorrow: str, channel_id: str
) -> None:
    emulator = await start_bot()
    # Stored under emulator/conversations/T/conversations/y, as the other one would be.
    booking = emulator.in_conversation("T/conversations/y")
    await booking.join()
    assert await booking.say("fly from Berlin to Paris tomorrow") == [
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
    ]
    other = booking.in_conversation("y")
    other.channel_id = channel_id

    async with other.session.post(other.url, json=other.activity(text="yes")) as response:
        assert response.status == 400
        assert await response.json() == {
            "error": "channelId must be a name of letters, digits, '.', '_' and '-'"
        }
    assert other.connector.take() == []
    assert await booking.say("yes") == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"recipient": None}, id="recipient-null"),
        pytest.param({"recipient": "<absent>"}, id="recipient-absent"),
    ],
)
async def test_a_message_addressed_to_no_one_is_answered_from_no_one(
    start_bot: StartBot,
    change: dict[str, Any],
    tomorrow: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator = await start_bot()
    await at_the_date_prompt(emulator)
    body = {**emulator.activity(text="tomorrow"), **change}
    body = {key: value for key, value in body.items() if value != "<absent>"}

    replies = await emulator.post(body)

    assert [reply.get("text") for reply in replies] == [
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
    ]
    assert "from" not in replies[0]
    assert replies[0]["recipient"] == {"id": "user-1", "name": "User"}
    assert [record for record in caplog.records if record.exc_info] == []
    assert await emulator.say("yes") == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_a_field_of_the_wrong_type_is_refused_and_the_booking_goes_on(
    start_bot: StartBot, tomorrow: str
) -> None:
    emulator = await start_bot()
    await at_the_date_prompt(emulator)

    async with emulator.session.post(
        emulator.url, json=emulator.activity(text=["tomorrow"])
    ) as response:
        assert response.status == 400
        assert await response.json() == {"error": "text must be a string"}
    assert emulator.connector.take() == []

    nulls = {"locale": None, "entities": None, "replyToId": None, "channelData": None}
    assert [
        reply.get("text")
        for reply in await emulator.post(emulator.activity(text="tomorrow", **nulls))
    ] == [f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."]


async def test_a_null_inside_a_list_is_ignored_and_the_booking_goes_on(
    start_bot: StartBot, tomorrow: str
) -> None:
    emulator = await start_bot()
    await at_the_date_prompt(emulator)

    joined = await emulator.post(
        emulator.activity(
            type="conversationUpdate",
            membersAdded=[None, {"id": "bot-1"}, {"id": None, "name": None}],
            membersRemoved=[None],
        )
    )
    assert joined == []
    entities = [
        None,
        {"type": None},
        {"type": "mention", "mentioned": None, "text": None},
        {"type": "mention", "mentioned": {"id": None}, "text": "<at>Bot</at>"},
        {"type": "clientInfo", "locale": None},
    ]
    replies = await emulator.post(
        emulator.activity(
            text="tomorrow",
            entities=entities,
            attachments=[None, {"contentType": None}],
            channelData={"tenant": None, "source": None},
            value=None,
        )
    )
    assert [reply.get("text") for reply in replies] == [
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
    ]
