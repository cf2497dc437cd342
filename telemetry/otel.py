"""Traces and metrics of the turns, with OpenTelemetry; imported only when an exporter is set.

A turn is one SERVER span (`POST /api/messages`), continuing the trace of the request's
`traceparent`, with children for the state's loads and saves (`state load`, `state save`),
each recognition (`recognize`) and each reply posted to the channel (`reply_to_activity`,
`send_to_conversation`, which carry the trace on in their own `traceparent`). The providers
are the app's own, not OpenTelemetry's global ones: two apps in one process (the tests)
keep theirs apart.
"""

import asyncio
import contextlib
import logging
import threading
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import Token
from time import perf_counter
from typing import Any, TypeVar

from aiohttp import web
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from yarl import URL

from channel.connector import BotConnector
from config import DefaultConfig
from helpers.luis_helper import IntentRecognizer
from recognizers.result import RecognizerResult
from sdk import Activity, ComponentDialog, DialogContext, TurnContext, WaterfallDialog
from serving import SHUTDOWN, ShutdownClock
from telemetry import CURRENT, Turn
from telemetry.recorder import LogRecorder

T = TypeVar("T")
logger = logging.getLogger(__name__)
# The last export's time, where no shutdown clock says (an app not run by app.py).
FLUSH_TIMEOUT = 10.0

PROPAGATOR = TraceContextTextMapPropagator()
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class OtelRecorder(LogRecorder):
    """Spans through `span_processors`, metrics through `metric_readers`."""

    def __init__(
        self,
        span_processors: Sequence[SpanProcessor],
        metric_readers: Sequence[MetricReader],
        resource: Resource | None = None,
    ) -> None:
        resource = resource or Resource.create({"service.name": "corebot"})
        # Not at the interpreter's exit: an exporter whose collector does not answer would
        # hold the process there. `session` flushes them, within the shutdown's deadline.
        self.tracer_provider = TracerProvider(resource=resource, shutdown_on_exit=False)
        for processor in span_processors:
            self.tracer_provider.add_span_processor(processor)
        self.meter_provider = MeterProvider(
            resource=resource, metric_readers=metric_readers, shutdown_on_exit=False
        )
        self.tracer = self.tracer_provider.get_tracer("corebot")
        meter = self.meter_provider.get_meter("corebot")
        self.turns = meter.create_counter("corebot.turns", "{turn}", "Turns handled")
        self.turn_duration = meter.create_histogram(
            "corebot.turn.duration",
            "s",
            "Time from the request to its answer",
            explicit_bucket_boundaries_advisory=SECONDS,
        )
        self.replies_posted = meter.create_counter(
            "corebot.replies.posted", "{reply}", "Replies the channel took"
        )
        self.replies_failed = meter.create_counter(
            "corebot.replies.failed", "{reply}", "Replies that could not be delivered"
        )
        self.bookings = meter.create_counter(
            "corebot.bookings", "{booking}", "Bookings completed, declined or cancelled"
        )
        self.interruptions = meter.create_counter(
            "corebot.interruptions", "{interruption}", "Messages a dialog took as an interruption"
        )
        self.recognizer_duration = meter.create_histogram(
            "corebot.recognizer.duration",
            "s",
            "Time the language back end took",
            explicit_bucket_boundaries_advisory=SECONDS,
        )
        self.state_conflicts = meter.create_counter(
            "corebot.state.conflicts", "{conflict}", "State saves that lost a race"
        )
        self.refused_requests = meter.create_counter(
            "corebot.requests.refused", "{request}", "Requests refused before any turn ran"
        )

    @classmethod
    def from_config(cls, config: DefaultConfig) -> "OtelRecorder":
        """Batches of spans, and metrics every minute, to the exporters the settings name.
        The OTLP exporter also reads the standard `OTEL_EXPORTER_OTLP_*` variables
        (headers, timeout), the Azure Monitor one its `APPLICATIONINSIGHTS_*`."""
        otlp = config.OTEL_EXPORTER_OTLP_ENDPOINT.rstrip("/")
        connection_string = config.APPLICATIONINSIGHTS_CONNECTION_STRING
        readers: list[MetricReader] = []
        if otlp:
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

            readers.append(PeriodicExportingMetricReader(OTLPMetricExporter(f"{otlp}/v1/metrics")))
        if connection_string:
            from azure.monitor.opentelemetry.exporter import AzureMonitorMetricExporter

            exporter = AzureMonitorMetricExporter(connection_string=connection_string)
            readers.append(PeriodicExportingMetricReader(exporter))
        recorder = cls([], readers)
        add = recorder.tracer_provider.add_span_processor
        if otlp:
            from telemetry.otlp import OTLPSpanExporter

            add(BatchSpanProcessor(OTLPSpanExporter(f"{otlp}/v1/traces")))
        if connection_string:
            from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter

            add(
                BatchSpanProcessor(
                    AzureMonitorTraceExporter(
                        connection_string=connection_string,
                        tracer_provider=recorder.tracer_provider,
                    )
                )
            )
        return recorder

    def connector(self, **options: Any) -> BotConnector:
        return TracedConnector(**options)

    def recognizer(self, recognizer: IntentRecognizer) -> IntentRecognizer:
        return TracedRecognizer(recognizer)

    def start(self, request: web.Request) -> "TracedTurn":
        parent = PROPAGATOR.extract(request.headers)
        route = request.match_info.route.resource
        path = route.canonical if route is not None else request.path
        span = self.tracer.start_span(
            f"{request.method} {path}",
            parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": request.method, "http.route": path},
        )
        token = otel_context.attach(trace.set_span_in_context(span, parent))
        return TracedTurn(self, span, token)

    def finish(self, turn: Turn, status: int) -> None:
        assert isinstance(turn, TracedTurn)
        turn.end(status)

    async def session(self, app: web.Application) -> AsyncIterator[None]:
        yield
        # Both flush what is left over the network: not on the event loop, and in a daemon
        # thread, which the process does not wait for (an executor's thread it would).
        flushed = asyncio.Event()
        loop = asyncio.get_running_loop()

        def flush() -> None:
            try:
                self.tracer_provider.shutdown()
                self.meter_provider.shutdown()
            finally:
                with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                    loop.call_soon_threadsafe(flushed.set)

        clock = app.get(SHUTDOWN) or ShutdownClock(FLUSH_TIMEOUT)
        threading.Thread(target=flush, name="telemetry-flush", daemon=True).start()
        try:
            await asyncio.wait_for(flushed.wait(), clock.remaining())
        except TimeoutError:
            logger.warning(
                "Telemetry was not all exported within the shutdown timeout: the rest is dropped"
            )


class TracedTurn(Turn):
    def __init__(self, recorder: OtelRecorder, span: Span, token: Token[Context]) -> None:
        super().__init__()
        self._recorder = recorder
        self._span = span
        self._token = token
        self._started = perf_counter()
        self._outcome: str | None = None
        self._booking: str | None = None
        self._responded = False
        self._conflicts = 0

    @property
    def trace_id(self) -> str | None:
        return trace.format_trace_id(self._span.get_span_context().trace_id)

    def activity(self, activity: Activity) -> None:
        super().activity(activity)
        self._span.set_attributes(
            {
                "corebot.channel": self.channel or "",
                "corebot.activity.type": self.activity_type or "",
                "corebot.activity.id": self.activity_id or "",
                "corebot.conversation.hash": self.conversation or "",
            }
        )

    def ran(self, context: TurnContext) -> None:
        self._responded = context.responded

    async def state(self, operation: str, state: str, storage: object, call: Awaitable[T]) -> T:
        attributes = {"corebot.state": state, "corebot.storage": type(storage).__name__}
        with self.child(f"state {operation}", attributes, SpanKind.CLIENT):
            return await call

    @contextmanager
    def child(
        self, name: str, attributes: dict[str, Any], kind: SpanKind = SpanKind.INTERNAL
    ) -> Iterator[Span]:
        # Exceptions are recorded by type only: their messages may quote what the user said.
        with self._recorder.tracer.start_as_current_span(
            name,
            kind=kind,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                yield span
            except Exception as error:
                _failed(span, error)
                raise

    async def recognition(self, backend: str, result: Awaitable[T]) -> T:
        backend_only = {"corebot.recognizer": backend}
        started = perf_counter()
        with self.child("recognize", backend_only) as span:
            try:
                recognized = await result
            finally:
                self._recorder.recognizer_duration.record(perf_counter() - started, backend_only)
            found: Mapping[str, str | float] = backend_only
            if isinstance(recognized, RecognizerResult) and recognized.intents:
                intent, score = max(
                    ((name, value.score or 0.0) for name, value in recognized.intents.items()),
                    key=lambda pair: pair[1],
                )
                found = {**backend_only, "corebot.intent": intent, "corebot.intent.score": score}
            span.set_attributes(found)
            self._span.set_attributes(found)
        return recognized

    async def channel_call(
        self, operation: str, host: str, call: Callable[[dict[str, str]], Awaitable[T]]
    ) -> T:
        """`call` with the headers that carry this span's trace on (`traceparent`)."""
        channel = {"corebot.channel": self.channel or ""}
        reply = operation in REPLIES
        headers: dict[str, str] = {}
        with self.child(operation, {**channel, "server.address": host}, SpanKind.CLIENT):
            PROPAGATOR.inject(headers)
            try:
                answer = await call(headers)
            except Exception:
                if reply:
                    self._recorder.replies_failed.add(1, channel)
                raise
        if reply:
            self._recorder.replies_posted.add(1, channel)
        return answer

    def interruption(self, kind: str, by: str) -> None:
        attributes = {"corebot.interruption.kind": kind, "corebot.interruption.by": by}
        self._span.set_attributes(attributes)
        self._recorder.interruptions.add(1, attributes)

    def dialog_waiting(self, dialog_context: DialogContext) -> None:
        self._span.set_attributes(waiting_at(dialog_context))

    def booking(self, outcome: str) -> None:
        self._booking = outcome
        self._span.set_attribute("corebot.booking.outcome", outcome)
        self._recorder.bookings.add(
            1, {"corebot.booking.outcome": outcome, "corebot.channel": self.channel or ""}
        )

    def outcome(self, outcome: str, error: BaseException | None = None) -> None:
        self._outcome = outcome
        if error is not None:
            _failed(self._span, error)

    def state_conflict(self) -> None:
        self._conflicts += 1
        self._span.set_attribute("corebot.state.conflicts", self._conflicts)
        self._recorder.state_conflicts.add(1)

    def refused(self, status: int) -> None:
        self._outcome = "refused"
        self._recorder.refused_requests.add(1, {"http.response.status_code": status})

    def responded(self, said_something: bool) -> None:
        self._responded = said_something

    def end(self, status: int) -> None:
        """The request was answered with `status`."""
        outcome = self._outcome or _BOOKED.get(self._booking or "")
        if outcome is None:
            outcome = "replied" if self._responded else "error" if status >= 500 else "no_reply"
        self._span.set_attributes({"http.response.status_code": status, "corebot.outcome": outcome})
        if status >= 500 and outcome != "error":
            self._span.set_status(Status(StatusCode.ERROR, f"HTTP {status}"))
        if self.activity_type is not None:
            kind = {
                "corebot.channel": self.channel or "",
                "corebot.activity.type": self.activity_type,
            }
            self._recorder.turns.add(1, {**kind, "corebot.outcome": outcome})
            self._recorder.turn_duration.record(perf_counter() - self._started, kind)
        otel_context.detach(self._token)
        self._span.end()


_BOOKED = {"completed": "booked", "declined": "declined", "cancelled": "cancelled"}
REPLIES = frozenset({"reply_to_activity", "send_to_conversation"})


class TracedConnector(BotConnector):
    """The connector, each call to the channel in a span of the turn's, carrying its trace."""

    async def _call(
        self,
        operation: str,
        method: str,
        url: URL,
        credentials: Any,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        turn = CURRENT.get()
        if not isinstance(turn, TracedTurn):
            return await super()._call(operation, method, url, credentials, body, headers)
        return await turn.channel_call(
            operation,
            url.host or "",
            lambda traced: super(TracedConnector, self)._call(
                operation, method, url, credentials, body, {**(headers or {}), **traced}
            ),
        )


class TracedRecognizer:
    """A recognizer whose recognitions are timed, each in a span of the turn's."""

    def __init__(self, recognizer: IntentRecognizer) -> None:
        self._recognizer = recognizer
        self._backend = str(getattr(recognizer, "backend", type(recognizer).__name__))

    @property
    def is_configured(self) -> bool:
        return self._recognizer.is_configured

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        turn = CURRENT.get()
        result = self._recognizer.recognize(turn_context)
        if not isinstance(turn, TracedTurn):
            return await result
        return await turn.recognition(self._backend, result)


def _failed(span: Span, error: BaseException) -> None:
    """Mark `span` failed by `error`, with its type and where it was raised; not its message."""
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    span.set_attribute("error.type", kind)
    span.add_event(
        "exception",
        {
            "exception.type": kind,
            "exception.stacktrace": "".join(traceback.format_tb(error.__traceback__)),
        },
    )


def waiting_at(dialog_context: DialogContext) -> dict[str, str]:
    """The innermost component dialog on the stack, and the waterfall step it waits in."""
    found: dict[str, str] = {}
    context: DialogContext | None = dialog_context
    while context is not None and context.stack:
        for instance in context.stack:  # the top first
            dialog = context.find_dialog_sync(instance.id)
            if isinstance(dialog, WaterfallDialog):
                steps = dialog._steps
                index = instance.state.get("stepIndex", 0)
                found["corebot.waterfall"] = dialog.id
                if 0 <= index < len(steps):
                    found["corebot.waterfall.step"] = getattr(steps[index], "__name__", str(index))
                break
        top = context.stack[0]
        dialog = context.find_dialog_sync(top.id)
        context = None
        if isinstance(dialog, ComponentDialog):
            found["corebot.dialog"] = dialog.id
            inner = top.state.get(dialog.persisted_dialog_state)
            if inner is not None:
                context = DialogContext(dialog._dialogs, dialog_context.context, inner)
    return found
