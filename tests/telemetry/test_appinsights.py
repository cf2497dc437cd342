"""telemetry.appinsights writes the very envelopes of Azure Monitor's own exporter."""

import asyncio
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from azure.monitor.opentelemetry.exporter._generated.exporter._utils.model_base import (
    SdkJSONEncoder,
)
from azure.monitor.opentelemetry.exporter._utils import _get_telemetry_type
from azure.monitor.opentelemetry.exporter.export.trace._exporter import (
    _convert_span_to_envelope,
)
from azure.monitor.opentelemetry.exporter.statsbeat.customer._utils import (
    _get_telemetry_success_flag,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode

from telemetry.appinsights import AppInsightsSpanExporter, _time, envelope, is_ours
from tests.conftest import Recorded, SharedMemoryStorage, StartBot, served

KEY = "00000000-0000-0000-0000-000000000001"
RESOURCES = [
    Resource.create({"service.name": "corebot"}),
    Resource.create(
        {
            "service.name": "corebot",
            "service.namespace": "travel",
            "service.instance.id": "instance-7",
            "service.version": "2.1",
            "device.id": "device-1",
        }
    ),
    Resource({}),
]
VALUES: list[Any] = ["", "emulator", "é 日本", 0, 201, -1, 0.93, True, False, ("a", "b"), (1, 2)]


def theirs(span: ReadableSpan) -> str:
    """The exporter's own envelope for `span`, as it posts it."""
    item = _convert_span_to_envelope(span)
    item.instrumentation_key = KEY
    return json.dumps(item, cls=SdkJSONEncoder, exclude_readonly=True)


def ours(span: ReadableSpan) -> str:
    made = envelope(span, KEY)
    assert made is not None
    return made.text


def made_span(number: int, pick: random.Random) -> ReadableSpan:
    """A span of the shapes the bot makes: a request over HTTP with its route and status, a
    dependency in the process or not, with and without a parent, every status, long texts."""
    kind = [SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL][number % 3]
    context = SpanContext(pick.getrandbits(128) or 1, pick.getrandbits(64) or 1, False)
    parent = None
    if number % 4:
        parent = SpanContext(context.trace_id, pick.getrandbits(64) or 1, number % 2 == 0)
    attributes: dict[str, Any] = {
        f"corebot.k{n}": pick.choice(VALUES) for n in range(pick.randint(0, 6))
    }
    if number % 7 == 0:
        attributes["corebot." + "x" * 150] = "a key too long to keep"
    if number % 11 == 0:
        attributes["corebot.long"] = "y" * 9000
    if number % 5 == 0:
        attributes["error.type"] = "aiohttp.client_exceptions.ClientConnectionError"
    if kind is SpanKind.SERVER:
        attributes["http.request.method"] = pick.choice(["POST", "GET"])
        attributes["http.route"] = "/api/messages" if number % 13 else "/" + "r" * 1100
        code = pick.choice([None, 0, 200, 201, 400, 401, 404, 499, 500, 503])
        if code is not None:
            attributes["http.response.status_code"] = code
    elif kind is SpanKind.CLIENT and number % 2:
        attributes["server.address"] = "127.0.0.1"
    name = (
        "POST /api/messages"
        if kind is SpanKind.SERVER
        else pick.choice(["state load", "recognize", "reply_to_activity", "", "n" * 1100])
    )
    status = pick.choice(
        [Status(StatusCode.UNSET), Status(StatusCode.OK), Status(StatusCode.ERROR, "HTTP 500")]
    )
    start = pick.choice([10**18, 1_765_000_000_123_456_789, 0])
    end = pick.choice([start + 1_234_567, start + 86_400 * 10**9 + 5, None])
    return ReadableSpan(
        name,
        context,
        parent,
        RESOURCES[number % 3],
        attributes,
        [],
        [],
        kind,
        None,
        status,
        start,
        end,
        pick.choice([InstrumentationScope("corebot"), None]),
    )


def test_spans_of_every_shape_the_bot_makes() -> None:
    pick = random.Random(29)
    spans = [made_span(number, pick) for number in range(600)]

    assert all(is_ours(span) for span in spans)
    assert [ours(span) for span in spans] == [theirs(span) for span in spans]


def test_a_start_time_is_written_as_the_exporter_s_models_write_it() -> None:
    pick = random.Random(5)
    times = [0, 10**18, 10**18 + 500, 10**18 + 1500, 1_765_000_000_999_999_500]
    times += [pick.randrange(10**18, 2 * 10**18) for _ in range(20_000)]
    times += [
        pick.randrange(10**6) * 1000 + 10**18 + pick.choice([0, 499, 500, 501]) for _ in range(2000)
    ]

    assert [_time(ns) for ns in times] == [
        SdkJSONEncoder().default(datetime.fromtimestamp(ns / 1e9, tz=UTC)) for ns in times
    ]


@pytest.mark.parametrize(
    "span",
    [
        ReadableSpan("s", SpanContext(1, 2, False), kind=SpanKind.PRODUCER),
        ReadableSpan("s", SpanContext(1, 2, False), kind=SpanKind.CONSUMER),
        ReadableSpan(
            "s",
            SpanContext(1, 2, False),
            events=[Event("exception", {"exception.type": "ValueError"}, 12)],
        ),
        ReadableSpan("s", SpanContext(1, 2, False), links=[Link(SpanContext(5, 6, True))]),
        ReadableSpan(
            "s", SpanContext(1, 2, False), kind=SpanKind.CLIENT, attributes={"db.system": "redis"}
        ),
        ReadableSpan(
            "s",
            SpanContext(1, 2, False),
            kind=SpanKind.CLIENT,
            attributes={"http.request.method": "GET", "url.full": "http://127.0.0.1/x"},
        ),
        ReadableSpan(
            "s",
            SpanContext(1, 2, False),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": "GET"},
        ),
        ReadableSpan("s", SpanContext(1, 2, False), kind=SpanKind.SERVER),
        ReadableSpan("s", SpanContext(1, 2, False), attributes={"enduser.id": "someone"}),
        ReadableSpan(
            "s",
            SpanContext(1, 2, False),
            instrumentation_scope=InstrumentationScope("opentelemetry.instrumentation.aiohttp"),
        ),
    ],
    ids=[
        "producer",
        "consumer",
        "events",
        "links",
        "database",
        "http-client",
        "request-without-route",
        "request-without-http",
        "other-attributes",
        "instrumentation",
    ],
)
def test_other_spans_go_through_the_exporter_s_own_conversion(
    span: ReadableSpan, no_reports_to_microsoft: None
) -> None:
    exporter = AppInsightsSpanExporter(
        connection_string=f"InstrumentationKey={KEY};IngestionEndpoint=http://127.0.0.1:9",
        disable_offline_storage=True,
    )

    assert not is_ours(span)
    made = exporter._span_to_envelope(span)
    assert type(made).__name__ == "TelemetryItem"
    assert json.dumps(made, cls=SdkJSONEncoder, exclude_readonly=True) == theirs(span)


@pytest.mark.parametrize(
    "headers",
    [{}, {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}],
    ids=["new-trace", "continued"],
)
async def test_the_envelopes_of_a_booking(
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

    assert {span.kind for span in spans} == {SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL}
    assert all(is_ours(span) for span in spans)
    assert [ours(span) for span in spans] == [theirs(span) for span in spans]


@pytest.fixture
def no_reports_to_microsoft(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exporter's own reports to Microsoft (statsbeat, SDK stats, remote settings): off."""
    for name in (
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL",
        "APPLICATIONINSIGHTS_SDKSTATS_DISABLED",
        "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED",
    ):
        monkeypatch.setenv(name, "true")


async def test_envelopes_kept_when_a_post_fails_are_sent_as_they_were(
    tmp_path: Path, no_reports_to_microsoft: None
) -> None:
    received: list[list[dict[str, Any]]] = []
    answers = [503, 200, 200]

    async def track(request: web.Request) -> web.Response:
        envelopes = json.loads(await request.read())
        status = answers.pop(0)
        if status == 200:
            received.append(envelopes)
        count = len(envelopes)
        return web.json_response(
            {"itemsReceived": count, "itemsAccepted": count if status == 200 else 0, "errors": []},
            status=status,
        )

    app = web.Application()
    app.router.add_post("/v2.1/track", track)
    pick = random.Random(3)
    failed = [made_span(number, pick) for number in range(1, 4)]
    sent = [made_span(number, pick) for number in range(4, 6)]
    async with served(app) as server:
        exporter = AppInsightsSpanExporter(
            connection_string=f"InstrumentationKey={KEY};IngestionEndpoint=http://127.0.0.1:{server.port}",
            storage_directory=str(tmp_path),
            max_envelopes_per_second=0,
            retry_total=0,
            storage_min_retry_interval=0,
            tracer_provider=TracerProvider(resource=RESOURCES[0]),
        )
        # The exporter posts from its own thread, as the batch processor runs it.
        first = await asyncio.to_thread(exporter.export, failed)
        second = await asyncio.to_thread(exporter.export, sent)
        exporter.shutdown()

    assert (first, second) == (SpanExportResult.FAILURE, SpanExportResult.SUCCESS)
    later, kept = received
    assert [json.dumps(item) for item in later[1:]] == [
        json.dumps(json.loads(theirs(span))) for span in sent
    ]
    assert [item for item in kept if item["name"] != "Microsoft.ApplicationInsights.Metric"] == [
        json.loads(theirs(span)) for span in failed
    ]


@pytest.mark.parametrize("number", [0, 1, 2])
def test_the_exporter_s_own_statistics_read_an_envelope_as_its_own(number: int) -> None:
    span = made_span(number, random.Random(number))
    item = _convert_span_to_envelope(span)
    made: Any = envelope(span, KEY)  # read where the exporter reads its TelemetryItem

    assert (_get_telemetry_type(made), _get_telemetry_success_flag(made)) == (
        _get_telemetry_type(item),
        _get_telemetry_success_flag(item),
    )
