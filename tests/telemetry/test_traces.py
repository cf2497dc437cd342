"""Traces and metrics of turns over HTTP, kept in memory: names, attributes, parent and child."""

import itertools
from typing import Any

import pytest
from aiohttp import ClientSession

import telemetry
from tests.conftest import (
    EmulatorClient,
    FailingStorage,
    Recorded,
    SharedMemoryStorage,
    StartBot,
)
from tests.test_state_conflicts import RacingStorage

# sha256 of "emulator/conversation-1", its first 16 hex digits.
CONVERSATION_HASH = "799236a7e9f598ae"
INCOMING = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def attributes(span: Any) -> dict[str, Any]:
    return dict(span.attributes)


def hex_ids(span: Any) -> tuple[str, str]:
    return format(span.context.trace_id, "032x"), format(span.context.span_id, "016x")


async def post_with_traceparent(
    http_session: ClientSession, emulator: EmulatorClient, text: str
) -> list[dict[str, Any]]:
    body = emulator.activity(text=text)
    async with http_session.post(
        emulator.url, json=body, headers={"traceparent": INCOMING}
    ) as response:
        assert response.status == 201
    return emulator.connector.take()


async def test_a_full_booking(
    start_bot: StartBot, recorded: Recorded, http_session: ClientSession, tomorrow: str
) -> None:
    # A store behind a connection, as Blob Storage and Cosmos DB are (the memory storage, in
    # the process, has no state spans).
    emulator = await start_bot(recorder=recorded.recorder, storage=SharedMemoryStorage())
    await emulator.join()
    await post_with_traceparent(http_session, emulator, "I want to book a flight to Paris")
    assert await emulator.say("Berlin") == ["On what date would you like to travel?"]
    await emulator.say("tomorrow")
    booked = await emulator.post(emulator.activity(text="Yes"))
    assert [reply["text"] for reply in booked] == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]

    turns = recorded.turns()
    assert [turn.name for turn in turns] == ["POST /api/messages"] * 5
    assert [turn.kind.name for turn in turns] == ["SERVER"] * 5
    assert [
        (
            attributes(turn)["corebot.channel"],
            attributes(turn)["corebot.activity.type"],
            attributes(turn)["corebot.conversation.hash"],
            attributes(turn)["http.response.status_code"],
            attributes(turn)["corebot.outcome"],
        )
        for turn in turns
    ] == [
        ("emulator", "conversationUpdate", CONVERSATION_HASH, 201, "replied"),
        ("emulator", "message", CONVERSATION_HASH, 201, "replied"),
        ("emulator", "message", CONVERSATION_HASH, 201, "replied"),
        ("emulator", "message", CONVERSATION_HASH, 201, "replied"),
        ("emulator", "message", CONVERSATION_HASH, 201, "booked"),
    ]
    assert [
        (
            attributes(turn).get("corebot.dialog"),
            attributes(turn).get("corebot.waterfall"),
            attributes(turn).get("corebot.waterfall.step"),
        )
        for turn in turns[1:]
    ] == [
        ("BookingDialog", "BookingWaterfall", "origin_step"),
        ("DateResolverDialog", "DateResolverWaterfall", "date_step"),
        ("BookingDialog", "BookingWaterfall", "confirm_step"),
        ("MainDialog", "MainWaterfall", "intro_step"),
    ]

    # The request's traceparent is continued.
    request = turns[1]
    assert hex_ids(request)[0] == "0af7651916cd43dd8448eb211c80319c"
    assert format(request.parent.span_id, "016x") == "b7ad6b7169203331"
    assert attributes(request)["corebot.recognizer"] == "embedded"
    assert attributes(request)["corebot.intent"] == "BookFlight"
    assert attributes(request)["corebot.intent.score"] > 0.7

    # The booking turn: its children, and the replies carrying its trace.
    turn = turns[4]
    assert attributes(turn)["corebot.booking.outcome"] == "completed"
    children = recorded.children(turn)
    assert [(child.name, child.kind.name) for child in children] == [
        ("state load", "CLIENT"),
        ("recognize", "INTERNAL"),
        ("state save", "CLIENT"),
        ("reply_to_activity", "CLIENT"),
        ("reply_to_activity", "CLIENT"),
    ]
    assert attributes(children[0]) == {
        "corebot.state": "ConversationState",
        "corebot.storage": "SharedMemoryStorage",
    }
    assert attributes(children[1])["corebot.recognizer"] == "embedded"
    assert all(hex_ids(child)[0] == hex_ids(turn)[0] for child in children)
    trace_id = hex_ids(turn)[0]
    assert [reply["_traceparent"].rsplit("-", 1)[0] for reply in booked] == [
        f"00-{trace_id}-{hex_ids(children[3])[1]}",
        f"00-{trace_id}-{hex_ids(children[4])[1]}",
    ]

    assert recorded.metric("corebot.turns") == {
        (
            ("corebot.activity.type", "conversationUpdate"),
            ("corebot.channel", "emulator"),
            ("corebot.outcome", "replied"),
        ): 1,
        (
            ("corebot.activity.type", "message"),
            ("corebot.channel", "emulator"),
            ("corebot.outcome", "replied"),
        ): 3,
        (
            ("corebot.activity.type", "message"),
            ("corebot.channel", "emulator"),
            ("corebot.outcome", "booked"),
        ): 1,
    }
    assert recorded.metric("corebot.turn.duration") == {
        (("corebot.activity.type", "conversationUpdate"), ("corebot.channel", "emulator")): 1,
        (("corebot.activity.type", "message"), ("corebot.channel", "emulator")): 4,
    }
    assert recorded.metric("corebot.bookings") == {
        (("corebot.booking.outcome", "completed"), ("corebot.channel", "emulator")): 1
    }
    # The card and the question, then one reply per message, then two.
    assert recorded.metric("corebot.replies.posted") == {(("corebot.channel", "emulator"),): 7}
    assert recorded.metric("corebot.recognizer.duration") == {
        (("corebot.recognizer", "embedded"),): 4
    }


async def test_a_trace_state_is_carried_on_and_the_timings_name_their_spans(
    start_bot: StartBot, recorded: Recorded, http_session: ClientSession
) -> None:
    emulator = await start_bot(recorder=recorded.recorder)
    await emulator.join()
    body = emulator.activity(text="book a flight to Paris")
    headers = {"traceparent": INCOMING, "tracestate": "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"}
    async with http_session.post(emulator.url, json=body, headers=headers) as response:
        assert response.status == 201
    replies = emulator.connector.take()

    turn = recorded.turns()[-1]
    assert turn.context.trace_state.to_header() == headers["tracestate"]
    assert [reply["_tracestate"] for reply in replies] == [headers["tracestate"]]
    # Each timing's exemplar links to the span it was measured in: the turn's, the
    # recognition's.
    recognition = next(span for span in recorded.children(turn) if span.name == "recognize")
    data = recorded.reader.get_metrics_data()
    assert data is not None
    exemplars = {
        metric.name: {
            exemplar.span_id for point in metric.data.data_points for exemplar in point.exemplars
        }
        for exported in data.resource_metrics
        for scope in exported.scope_metrics
        for metric in scope.metrics
        if metric.name in ("corebot.turn.duration", "corebot.recognizer.duration")
    }
    assert turn.context.span_id in exemplars["corebot.turn.duration"]
    assert exemplars["corebot.recognizer.duration"] == {recognition.context.span_id}


async def test_nothing_the_user_wrote_is_recorded(start_bot: StartBot, recorded: Recorded) -> None:
    emulator = await start_bot(recorder=recorded.recorder, storage=SharedMemoryStorage())
    await emulator.join()
    said = ["I want to fly from Paris to Berlin tomorrow", "where am I flying to?", "Yes"]
    for text in said:
        await emulator.say(text)

    spans = recorded.exporter.get_finished_spans()
    recorded_values = [str(value) for span in spans for value in (span.attributes or {}).values()]
    recorded_values += [
        str(value)
        for span in spans
        for event in span.events
        for value in (event.attributes or {}).values()
    ]
    words = ["Paris", "Berlin", "tomorrow", "flying", "conversation-1"]
    assert [value for value in recorded_values if any(word in value for word in words)] == []


async def test_a_cancelled_booking(start_bot: StartBot, recorded: Recorded) -> None:
    emulator = await start_bot(recorder=recorded.recorder)
    await emulator.join()
    await emulator.say("book a flight to Paris")

    assert await emulator.say("cancel") == ["Cancelling", "What else can I do for you?"]

    turn = recorded.turns()[-1]
    assert {
        name: value
        for name, value in attributes(turn).items()
        if name.startswith(("corebot.interruption", "corebot.booking", "corebot.outcome"))
    } == {
        "corebot.interruption.kind": "cancel",
        "corebot.interruption.by": "BookingDialog",
        "corebot.booking.outcome": "cancelled",
        "corebot.outcome": "cancelled",
    }
    assert recorded.metric("corebot.interruptions") == {
        (("corebot.interruption.by", "BookingDialog"), ("corebot.interruption.kind", "cancel")): 1
    }
    assert recorded.metric("corebot.bookings") == {
        (("corebot.booking.outcome", "cancelled"), ("corebot.channel", "emulator")): 1
    }


async def test_a_declined_booking(start_bot: StartBot, recorded: Recorded) -> None:
    emulator = await start_bot(recorder=recorded.recorder)
    await emulator.join()
    await emulator.say("fly from Paris to Berlin tomorrow")

    assert await emulator.say("no") == ["What else can I do for you?"]

    assert attributes(recorded.turns()[-1])["corebot.outcome"] == "declined"
    assert recorded.metric("corebot.bookings") == {
        (("corebot.booking.outcome", "declined"), ("corebot.channel", "emulator")): 1
    }


async def test_an_error_turn(start_bot: StartBot, recorded: Recorded) -> None:
    storage = FailingStorage()
    emulator = await start_bot(recorder=recorded.recorder, storage=storage)
    await emulator.join()
    storage.fail_next_write = True

    await emulator.say("fly to Seattle")

    turn = recorded.turns()[-1]
    assert attributes(turn)["corebot.outcome"] == "error"
    assert attributes(turn)["error.type"] == "builtins.ConnectionError"
    assert (turn.status.status_code.name, turn.status.description) == ("ERROR", "ConnectionError")
    (event,) = turn.events
    assert event.name == "exception"
    # Where it was raised, not its message (which may quote the user).
    assert set(event.attributes) == {"exception.type", "exception.stacktrace"}
    assert event.attributes["exception.type"] == "builtins.ConnectionError"
    assert (
        'in write\n    raise ConnectionError("storage unreachable")'
        in (event.attributes["exception.stacktrace"])
    )
    failed = [
        child for child in recorded.children(turn) if child.status.status_code.name == "ERROR"
    ]
    assert [(child.name, attributes(child)["error.type"]) for child in failed] == [
        ("state save", "builtins.ConnectionError")
    ]
    assert (
        recorded.metric("corebot.turns")[
            (
                ("corebot.activity.type", "message"),
                ("corebot.channel", "emulator"),
                ("corebot.outcome", "error"),
            )
        ]
        == 1
    )


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "text/plain"}, b"{}", 415),
        ({"Content-Type": "application/json"}, b"{not json", 400),
        ({"Content-Type": "application/json", "Authorization": "a"}, b"{}", 400),
    ],
    ids=["not-json-type", "not-json", "two-authorization-headers"],
)
async def test_a_refused_request(
    start_bot: StartBot,
    recorded: Recorded,
    http_session: ClientSession,
    headers: dict[str, str],
    body: bytes,
    status: int,
) -> None:
    emulator = await start_bot(recorder=recorded.recorder)
    sent: list[tuple[str, str]] = list(headers.items())
    if "Authorization" in headers:
        sent.append(("Authorization", "b"))

    async with http_session.post(emulator.url, data=body, headers=sent) as response:
        assert response.status == status

    (turn,) = recorded.turns()
    assert turn.name == "POST /api/messages"
    assert attributes(turn) == {
        "http.request.method": "POST",
        "http.route": "/api/messages",
        "http.response.status_code": status,
        "corebot.outcome": "refused",
    }
    assert recorded.children(turn) == []
    assert recorded.metric("corebot.requests.refused") == {
        (("http.response.status_code", status),): 1
    }
    assert recorded.metric("corebot.turns") == {}


@pytest.mark.parametrize(
    ("races", "outcome"), [(1, "booked"), (3, "state_conflict")], ids=["retried", "given-up"]
)
async def test_lost_races_for_the_state(
    start_bot: StartBot, recorded: Recorded, races: int, outcome: str
) -> None:
    storage = RacingStorage()
    emulator = await start_bot(recorder=recorded.recorder, storage=storage)
    await emulator.join()
    await emulator.say("book a flight from berlin to paris tomorrow")
    storage.races = races

    await emulator.say("yes")

    turn = recorded.turns()[-1]
    assert attributes(turn)["corebot.state.conflicts"] == races
    assert attributes(turn)["corebot.outcome"] == outcome
    assert recorded.metric("corebot.state.conflicts") == {(): races}


async def test_no_id_in_clear_and_metric_attributes_from_a_known_set(
    start_bot: StartBot, recorded: Recorded
) -> None:
    emulator = await start_bot(recorder=recorded.recorder)
    conversation = "a-private-conversation"
    user = {"id": "a-private-user", "name": "A Private Person"}
    # Direct Line's activity ids hold the conversation's id.
    ids = (f"{conversation}|{n:07}" for n in itertools.count())
    for fields in [
        {"type": "message", "text": "book a flight to Paris"},
        {"type": "x" * 5000},
        {"type": "message", "text": "Berlin", "channelId": "a-channel-of-my-own"},
    ]:
        await emulator.post(
            emulator.activity(
                id=next(ids), conversation={"id": conversation}, **{"from": user}, **fields
            )
        )

    spans = recorded.exporter.get_finished_spans()
    values = [str(value) for span in spans for value in (span.attributes or {}).values()]
    assert [value for value in values if conversation in value or "private" in value] == []
    for name in ("corebot.turns", "corebot.turn.duration", "corebot.replies.posted"):
        for series in recorded.metric(name):
            labels = dict(series)
            assert labels.get("corebot.channel") in {"emulator", "other"}
            assert labels.get("corebot.activity.type", "message") in {"message", "other"}
    turns = recorded.turns()
    assert [attributes(turn)["corebot.activity.type"] for turn in turns] == [
        "message",
        "other",
        "message",
    ]
    assert attributes(turns[2])["corebot.channel"] == "other"
    assert attributes(turns[0])["corebot.activity.id"] == telemetry.hashed(
        f"emulator/{conversation}|0000000"
    )
