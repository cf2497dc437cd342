"""telemetry.otlp writes the very bytes of OpenTelemetry's own OTLP encoding."""

import random
from typing import Any

import pytest
from aiohttp import ClientSession
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as sdk_encode
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import (
    Link,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    TraceState,
)

from telemetry import otlp
from telemetry.otlp import encode_spans
from tests.conftest import Recorded, SharedMemoryStorage, StartBot

VALUES: list[Any] = [
    *("", "emulator", "é ü 日本 \U0001f600"),
    *(0, 1, -1, 300, 2**63 - 1, -(2**63)),
    *(0.0, 0.93, -1.5, True, False, b"\x00\xff"),
    *(["a", "b"], [1, 2], [True], [0.5], (), {"k": 1}, None),
]
RESOURCES = [
    Resource.create({"service.name": "corebot"}),
    Resource({"a": 1, "b": [1, 2]}, schema_url="https://example.com/schema"),
    Resource.create({"service.name": "corebot"}),  # equal to the first, another object
]
SCOPES = [
    InstrumentationScope("corebot"),
    InstrumentationScope("other", "1.0", "https://example.com/schema", {"k": "v"}),
    None,
]
STATUSES = [
    Status(StatusCode.UNSET),
    Status(StatusCode.ERROR, "ConnectionError"),
    Status(StatusCode.OK),
    Status(StatusCode.ERROR),
]


def made_span(number: int, pick: random.Random) -> ReadableSpan:
    """A span of every shape: parents local and remote, trace states, events, links,
    statuses, several resources and scopes, every type of attribute value."""
    states = [TraceState([("a", "1"), ("b", "x")]), TraceState(), None]
    context = SpanContext(
        pick.getrandbits(128) or 1,
        pick.getrandbits(64) or 1,
        False,
        TraceFlags(number % 4),
        states[number % 3],
    )
    parent = None
    if number % 4:
        parent = SpanContext(context.trace_id, pick.getrandbits(64) or 1, number % 2 == 0)
    values = {f"k{n}": pick.choice(VALUES) for n in range(pick.randint(0, 8))}
    if number % 7 == 0:
        values[""] = "an empty key"
    events = [Event("exception", {"exception.type": "x", "exception.stacktrace": "at\n"}, 12)]
    links = [Link(SpanContext(5, 6, True), {"l": 1})]
    return ReadableSpan(
        f"span {number}" if number % 9 else "",
        context,
        parent,
        RESOURCES[number % 3 if number % 11 == 0 else 0],
        values,
        events if number % 5 == 0 else [],
        links if number % 6 == 0 else [],
        list(SpanKind)[number % 5],
        None,
        STATUSES[number % 4],
        10**18 + number,
        10**18 + 1000 + number if number % 13 else None,
        SCOPES[number % 3 if number % 10 == 0 else 0],
    )


def test_spans_of_every_shape() -> None:
    pick = random.Random(7)
    spans = [made_span(number, pick) for number in range(300)]

    assert encode_spans(spans) == sdk_encode(spans).SerializeToString()


def test_a_long_text_is_encoded_but_not_kept() -> None:
    path = "/" + "x" * 5000
    spans = [
        ReadableSpan(f"GET {path}", SpanContext(1, 2, False), attributes={"http.route": path}),
        ReadableSpan("POST /api/messages", SpanContext(1, 3, False), attributes={"k": "short"}),
    ]

    assert encode_spans(spans) == sdk_encode(spans).SerializeToString()
    assert f"GET {path}" not in otlp.NAMES
    assert all(len(key[3]) < 200 for key in otlp.ENCODED if isinstance(key[3], str))
    assert "POST /api/messages" in otlp.NAMES
    assert any(key[1:] == ("k", str, "short") for key in otlp.ENCODED)


def test_the_sdk_s_own_spans_with_what_their_limits_dropped() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(
        span_limits=SpanLimits(max_span_attributes=2, max_events=1, max_links=1),
        shutdown_on_exit=False,
    )
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("corebot", "2.0")
    links = [Link(SpanContext(7, 8, False)), Link(SpanContext(9, 10, True))]
    with (
        tracer.start_as_current_span("outer", attributes={"a": 1, "b": "2", "c": 3.0}),
        tracer.start_as_current_span("inner", links=links) as inner,
    ):
        inner.add_event("first", {"x": 1})
        inner.add_event("second")
        inner.set_status(Status(StatusCode.ERROR, "why"))
    spans = exporter.get_finished_spans()

    assert [span.dropped_attributes for span in spans] == [0, 1]
    assert encode_spans(spans) == sdk_encode(spans).SerializeToString()


@pytest.mark.parametrize(
    "headers",
    [{}, {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}],
    ids=["new-trace", "continued"],
)
async def test_the_spans_of_a_booking(
    start_bot: StartBot,
    recorded: Recorded,
    http_session: ClientSession,
    headers: dict[str, str],
) -> None:
    emulator = await start_bot(recorder=recorded.recorder, storage=SharedMemoryStorage())
    await emulator.join()
    body = emulator.activity(text="fly from Paris to Berlin tomorrow")
    async with http_session.post(emulator.url, json=body, headers=headers) as response:
        assert response.status == 201
    await emulator.say("yes")
    spans = recorded.exporter.get_finished_spans()

    assert len(spans) > 10
    assert encode_spans(spans) == sdk_encode(spans).SerializeToString()
