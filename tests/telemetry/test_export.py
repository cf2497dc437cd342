"""Export over the network, to stand-ins on 127.0.0.1: an OTLP/HTTP collector and Application
Insights' ingestion endpoint; and no OpenTelemetry at all when nothing is exported."""

import asyncio
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web

import sdk
from app import create_app
from config import DefaultConfig
from tests.conftest import (
    EmulatorClient,
    StubConnector,
    free_port,
    served,
    start_app_process,
    tcp_server,
)

ROOT = Path(__file__).parents[2]


class Collector:
    """Takes OTLP/HTTP exports (protobuf) and Application Insights' `v2.1/track` posts."""

    def __init__(self) -> None:
        self.spans: list[Any] = []
        self.metrics: list[str] = []
        self.envelopes: list[dict[str, Any]] = []
        self.app = web.Application()
        self.app.router.add_post("/v1/traces", self.traces)
        self.app.router.add_post("/v1/metrics", self.otlp_metrics)
        self.app.router.add_post("/v2.1/track", self.track)

    async def traces(self, request: web.Request) -> web.Response:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
            ExportTraceServiceRequest,
        )

        export = ExportTraceServiceRequest.FromString(await request.read())
        for resource in export.resource_spans:
            for scope in resource.scope_spans:
                self.spans.extend(scope.spans)
        return web.Response(content_type="application/x-protobuf")

    async def otlp_metrics(self, request: web.Request) -> web.Response:
        from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
            ExportMetricsServiceRequest,
        )

        export = ExportMetricsServiceRequest.FromString(await request.read())
        for resource in export.resource_metrics:
            for scope in resource.scope_metrics:
                self.metrics.extend(metric.name for metric in scope.metrics)
        return web.Response(content_type="application/x-protobuf")

    async def track(self, request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        text = body.decode()
        items = (
            json.loads(text)
            if text.startswith("[")
            else [json.loads(line) for line in text.splitlines() if line]
        )
        self.envelopes.extend(items)
        return web.json_response(
            {"itemsReceived": len(items), "itemsAccepted": len(items), "errors": []}
        )


async def book_to_paris(
    config: DefaultConfig, http_session: ClientSession, connector: tuple[StubConnector, str]
) -> None:
    """Run the app with `config`, a greeting and one message; then stop it (which flushes)."""
    stub, service_url = connector
    async with served(create_app(config)) as bot:
        emulator = EmulatorClient(
            http_session, str(bot.make_url("/api/messages")), stub, service_url
        )
        await emulator.join()
        assert await emulator.say("book a flight to Paris") == [
            "From what city will you be travelling?"
        ]


async def test_otlp_over_http_to_a_collector(
    http_session: ClientSession, connector: tuple[StubConnector, str]
) -> None:
    collector = Collector()
    async with served(collector.app) as server:
        config = DefaultConfig.from_env(
            {
                "HOST": "127.0.0.1",
                "OTEL_EXPORTER_OTLP_ENDPOINT": str(server.make_url("/")),
                "RECOGNIZER": "embedded",
            }
        )
        await book_to_paris(config, http_session, connector)

    turns = [span for span in collector.spans if span.name == "POST /api/messages"]
    assert len(turns) == 2
    values = {attribute.key: attribute.value.string_value for attribute in turns[1].attributes}
    assert values["corebot.activity.type"] == "message"
    assert values["corebot.conversation.hash"] == "799236a7e9f598ae"
    assert values["corebot.intent"] == "BookFlight"
    children = [span.name for span in collector.spans if span.parent_span_id == turns[1].span_id]
    assert children == ["recognize", "reply_to_activity"]
    assert {"corebot.turns", "corebot.turn.duration", "corebot.replies.posted"} <= set(
        collector.metrics
    )


async def test_application_insights_to_its_ingestion_endpoint(
    http_session: ClientSession,
    connector: tuple[StubConnector, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The exporter's own reports to Microsoft (statsbeat, SDK stats, remote settings) go
    # elsewhere than the connection string's endpoint: off here.
    for name in (
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL",
        "APPLICATIONINSIGHTS_SDKSTATS_DISABLED",
        "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED",
    ):
        monkeypatch.setenv(name, "true")
    collector = Collector()
    async with served(collector.app) as server:
        config = DefaultConfig.from_env(
            {
                "HOST": "127.0.0.1",
                "APPLICATIONINSIGHTS_CONNECTION_STRING": (
                    "InstrumentationKey=00000000-0000-0000-0000-000000000001;"
                    f"IngestionEndpoint=http://127.0.0.1:{server.port}"
                ),
                "RECOGNIZER": "embedded",
            }
        )
        await book_to_paris(config, http_session, connector)

    requests = [
        envelope["data"]["baseData"]
        for envelope in collector.envelopes
        if envelope["data"]["baseType"] == "RequestData"
    ]
    assert [request["name"] for request in requests] == ["POST /api/messages"] * 2
    assert requests[1]["properties"]["corebot.intent"] == "BookFlight"
    assert {envelope["iKey"] for envelope in collector.envelopes} == {
        "00000000-0000-0000-0000-000000000001"
    }
    metrics = {
        metric["name"]
        for envelope in collector.envelopes
        if envelope["data"]["baseType"] == "MetricData"
        for metric in envelope["data"]["baseData"]["metrics"]
    }
    assert {"corebot.turns", "corebot.turn.duration"} <= metrics


def test_without_an_exporter_opentelemetry_is_not_loaded() -> None:
    script = (
        "import json, sys\n"
        "from app import create_app\n"
        "from config import DefaultConfig\n"
        "create_app(DefaultConfig.from_env({'RECOGNIZER': 'none'}))\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = json.loads(ran.stdout)
    assert "telemetry" in loaded
    assert [
        name
        for name in loaded
        if name == "telemetry.otel" or name.startswith(("opentelemetry.exporter", "azure.monitor"))
    ] == []
    opentelemetry = [name for name in loaded if name.split(".")[0] == "opentelemetry"]
    if sdk.NAME == "botbuilder":
        assert opentelemetry == []
    else:
        # The Agents SDK imports OpenTelemetry's API and SDK itself, for spans of its own,
        # which go to the global tracer (a no-op: the bot sets no global provider).
        assert "opentelemetry.trace" in opentelemetry


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A collector that takes the connection and the request, and never answers."""
    await asyncio.sleep(3600)


def exporting_to(exporter: str, endpoint: str) -> dict[str, str]:
    if exporter == "otlp":
        return {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}
    return {
        "APPLICATIONINSIGHTS_CONNECTION_STRING": (
            f"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={endpoint}"
        ),
        # Its reports to Microsoft, which would go out of this machine: off.
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
        "APPLICATIONINSIGHTS_SDKSTATS_DISABLED": "true",
        "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED": "true",
    }


@pytest.mark.parametrize("exporter", ["otlp", "application-insights"])
@pytest.mark.parametrize("collector", ["silent", "down"])
async def test_sigterm_ends_the_process_within_its_shutdown_timeout_whatever_the_collector(
    connector: tuple[StubConnector, str],
    http_session: ClientSession,
    collector: str,
    exporter: str,
    tmp_path: Path,
) -> None:
    stub, service_url = connector
    async with tcp_server(silent) as port:
        endpoint = f"http://127.0.0.1:{port if collector == 'silent' else free_port()}"
        settings = {**exporting_to(exporter, endpoint), "SHUTDOWN_TIMEOUT": "2"}
        # Azure Monitor's exporter keeps what it could not send in the temporary directory.
        app = await start_app_process({**settings, "TMPDIR": str(tmp_path)}, http_session)
        emulator = EmulatorClient(http_session, app.url, stub, service_url)
        await emulator.join()
        await emulator.say("book a flight to Paris")  # spans and metrics to export

        started = time.monotonic()
        log = (await app.stop()).decode()
        took = time.monotonic() - started

    assert app.process.returncode == 0
    # 2 s, and the interpreter's own exit, on a busy machine (13 to 33 s before).
    assert took < 4.5, log
    assert "Traceback" not in log
