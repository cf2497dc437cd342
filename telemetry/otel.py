"""Traces and metrics of the turns, with OpenTelemetry; imported only when an exporter is set.

A turn is one SERVER span (`POST /api/messages`), continuing the trace of the request's
`traceparent`, with children for the state's loads and saves (`state load`, `state save`),
each recognition (`recognize`) and each reply posted to the channel (`reply_to_activity`,
`send_to_conversation`, which carry the trace on in their own `traceparent`). The providers
are the app's own, not OpenTelemetry's global ones: two apps in one process (the tests)
keep theirs apart.

What telemetry costs a turn is kept small (docs/telemetry.md, "Cost"). The spans are the
SDK's (`ReadableSpan`s, made with the tracer provider's resource, ids and sampler, ended to
its span processors), but recorded by `TurnSpan`, not by the SDK's tracer, whose spans
check and lock on each attribute and go through OpenTelemetry's context at each start and
end: a turn knows its span, and its children name their parent. The metrics are the SDK's
instruments, but a turn's counts and timings wait in `Tally` and `Timings` until a reader
collects them.
"""

import asyncio
import contextlib
import logging
import threading
import traceback
from bisect import bisect_left
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from time import perf_counter, time_ns
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web
from opentelemetry import trace
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.context import Context
from opentelemetry.metrics import CallbackOptions, Counter, Histogram, Observation
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import (
    Event,
    ReadableSpan,
    SpanLimits,
    SpanProcessor,
    TracerProvider,
)
from opentelemetry.sdk.trace import Tracer as SdkTracer
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import (
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
)
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
        self.span_processors: list[SpanProcessor] = []
        for processor in span_processors:
            self.add_span_processor(processor)
        tracer = self.tracer_provider.get_tracer("corebot")
        # None when OTEL_SDK_DISABLED gives a tracer that records nothing.
        self.spans = SpanMaker(self, tracer) if isinstance(tracer, SdkTracer) else None
        self.meter_provider = MeterProvider(
            resource=resource, metric_readers=metric_readers, shutdown_on_exit=False
        )
        meter = self.meter_provider.get_meter("corebot")
        waiting: list[Tally | Timings] = []

        def counter(name: str, unit: str, description: str) -> Tally:
            tally = Tally(meter.create_counter(name, unit, description))
            waiting.append(tally)
            return tally

        def seconds(name: str, description: str) -> Timings:
            timings = Timings(
                meter.create_histogram(
                    name, "s", description, explicit_bucket_boundaries_advisory=SECONDS
                ),
                SECONDS,
            )
            waiting.append(timings)
            return timings

        self.turns = counter("corebot.turns", "{turn}", "Turns handled")
        self.turn_duration = seconds("corebot.turn.duration", "Time from the request to its answer")
        self.replies_posted = counter(
            "corebot.replies.posted", "{reply}", "Replies the channel took"
        )
        self.replies_failed = counter(
            "corebot.replies.failed", "{reply}", "Replies that could not be delivered"
        )
        self.bookings = counter(
            "corebot.bookings", "{booking}", "Bookings completed, declined or cancelled"
        )
        self.interruptions = counter(
            "corebot.interruptions", "{interruption}", "Messages a dialog took as an interruption"
        )
        self.recognizer_duration = seconds(
            "corebot.recognizer.duration", "Time the language back end took"
        )
        self.state_conflicts = counter(
            "corebot.state.conflicts", "{conflict}", "State saves that lost a race"
        )
        self.refused_requests = counter(
            "corebot.requests.refused", "{request}", "Requests refused before any turn ran"
        )

        def flush(options: CallbackOptions) -> list[Observation]:
            for measurements in waiting:
                measurements.flush()
            return []

        # Observes nothing, and so is never exported: its callback, which every reader's
        # collection calls before it reads the instruments, hands them what is waiting.
        meter.create_observable_up_down_counter("corebot.waiting", [flush])

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
        add = recorder.add_span_processor
        if otlp:
            from telemetry.otlp import OTLPSpanExporter

            add(BatchSpanProcessor(OTLPSpanExporter(f"{otlp}/v1/traces")))
        if connection_string:
            from telemetry.appinsights import AppInsightsSpanExporter

            add(
                BatchSpanProcessor(
                    AppInsightsSpanExporter(
                        connection_string=connection_string,
                        tracer_provider=recorder.tracer_provider,
                    )
                )
            )
        return recorder

    def add_span_processor(self, processor: SpanProcessor) -> None:
        """Spans to `processor` (its `on_end`: the turn's spans do not call `on_start`)."""
        self.span_processors.append(processor)
        self.tracer_provider.add_span_processor(processor)  # which shuts it down

    def connector(self, **options: Any) -> BotConnector:
        return TracedConnector(**options)

    def recognizer(self, recognizer: IntentRecognizer) -> IntentRecognizer:
        return TracedRecognizer(recognizer)

    def start(self, request: web.Request) -> "TracedTurn":
        route = request.match_info.route.resource
        path = route.canonical if route is not None else request.path
        attributes = {"http.request.method": request.method, "http.route": path}
        name = f"{request.method} {path}"
        if self.spans is None:
            return TracedTurn(self, NOT_RECORDED)
        # Extracted only when there is one: most requests carry no trace.
        parent = PROPAGATOR.extract(request.headers) if TRACEPARENT in request.headers else ROOT
        return TracedTurn(self, self.spans.start(name, SpanKind.SERVER, attributes, parent))

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


class Tally:
    """A counter's additions, added up in the bot and handed to the SDK's counter when a
    reader collects the metrics: one addition to the SDK per series and collection, not one
    per turn (each goes through the SDK's checks, attribute hashing, locks and exemplar
    reservoir). The first addition of each series goes to the SDK at once: its series starts
    then, as it would. Counters thus carry no exemplars."""

    def __init__(self, counter: Counter) -> None:
        self._counter = counter
        self._started: set[tuple[tuple[str, Any], ...]] = set()
        self._counts: dict[tuple[tuple[str, Any], ...], int] = {}
        self._lock = threading.Lock()  # collections run in the readers' threads

    def add(self, amount: int, attributes: Mapping[str, Any] | None = None) -> None:
        series = tuple(attributes.items()) if attributes else ()
        if series not in self._started:
            self._started.add(series)
            self._counter.add(amount, attributes)
            return
        with self._lock:
            self._counts[series] = self._counts.get(series, 0) + amount

    def flush(self) -> None:
        with self._lock:
            counts, self._counts = self._counts, {}
        for series, amount in counts.items():
            self._counter.add(amount, dict(series))


Series = tuple[tuple[str, Any], ...]  # a metric's attributes, as a key


class Timings:
    """A histogram's values, kept in the bot and recorded into the SDK's histogram when a
    reader collects the metrics (or when many are waiting). The same calls to the SDK, but
    one after the other rather than between two turns' work: several times cheaper so
    (docs/telemetry.md, "Cost"). The first value of each series is recorded at once: its
    series starts then, as it would.

    An exemplar links a bucket of a series to the span of the last value recorded in it
    (the SDK's reservoir for a histogram keeps the last value offered in each bucket). Only
    that value is recorded with its span: the others, whose exemplars it would overwrite,
    are recorded without one, which spares the SDK's exemplar filter and reservoir."""

    def __init__(self, histogram: Histogram, boundaries: Sequence[float]) -> None:
        self._histogram = histogram
        self._boundaries = boundaries
        self._started: set[Series] = set()
        self._values: list[tuple[float, Mapping[str, Any], Series, SpanContext]] = []
        self._lock = threading.Lock()  # collections run in the readers' threads

    def record(self, value: float, attributes: Mapping[str, Any], span: "TurnSpan") -> None:
        series = tuple(attributes.items())
        if series not in self._started:
            self._started.add(series)
            self._histogram.record(value, attributes, span_context(span.context))
            return
        with self._lock:
            self._values.append((value, attributes, series, span.context))
            full = len(self._values) >= MOST_WAITING
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            values, self._values = self._values, []
        boundaries = self._boundaries
        last = {
            (series, bisect_left(boundaries, value)): index
            for index, (value, _, series, _) in enumerate(values)
        }
        linked = set(last.values())
        record = self._histogram.record
        for index, (value, attributes, _, context) in enumerate(values):
            record(value, attributes, span_context(context) if index in linked else ROOT)


def span_context(context: SpanContext) -> Context:
    """A context whose span is the one of `context`: what a measurement's exemplar links to."""
    return trace.set_span_in_context(NonRecordingSpan(context), ROOT)


# Values a Timings keeps before it records them itself: some 50 s of turns at 200 a second.
MOST_WAITING = 10_000


class TracedTurn(Turn):
    def __init__(self, recorder: OtelRecorder, span: "TurnSpan") -> None:
        super().__init__()
        self._recorder = recorder
        self._span = span
        self._started = perf_counter()
        self._outcome: str | None = None
        self._booking: str | None = None
        self._responded = False
        self._conflicts = 0

    @property
    def trace_id(self) -> str | None:
        return trace.format_trace_id(self._span.context.trace_id)

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

    def child(
        self, name: str, attributes: dict[str, Any], kind: SpanKind = SpanKind.INTERNAL
    ) -> "TurnSpan":
        """A span of the turn's, for a `with` block: it ends with the block, failed if the
        block raised."""
        return self._span.child(name, kind, attributes)

    async def recognition(self, backend: str, result: Awaitable[T]) -> T:
        backend_only = {"corebot.recognizer": backend}
        started = perf_counter()
        with self.child("recognize", backend_only) as span:
            try:
                recognized = await result
            finally:
                self._recorder.recognizer_duration.record(
                    perf_counter() - started, backend_only, span
                )
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
        with self.child(operation, {**channel, "server.address": host}, SpanKind.CLIENT) as span:
            try:
                answer = await call(span.headers())
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
            self._recorder.turn_duration.record(perf_counter() - self._started, kind, self._span)
        self._span.end()


class SpanMaker:
    """Makes the spans of a recorder's turns as its tracer would: the tracer provider's
    resource, ids and sampler, the span limits of the settings (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
    ...), ended spans to the recorder's span processors."""

    def __init__(self, recorder: OtelRecorder, tracer: SdkTracer) -> None:
        self.processors = recorder.span_processors  # the list itself: processors added later too
        self.resource = tracer.resource
        self.sampler = tracer.sampler
        self.ids = tracer.id_generator
        self.info = tracer.instrumentation_info
        self.scope = InstrumentationScope(self.info.name, self.info.version, self.info.schema_url)
        self.limits = SpanLimits()
        # The turn's spans have a few short attributes: the SDK's limits only cut them when
        # they are set lower than its defaults.
        self.limited = self.limits.max_attribute_length is not None or (
            self.limits.max_span_attributes is not None
            and self.limits.max_span_attributes < DEFAULT_ATTRIBUTE_COUNT_LIMIT
        )

    def start(
        self, name: str, kind: SpanKind, attributes: dict[str, Any], parent_context: Context
    ) -> "TurnSpan":
        """A span that continues the trace of `parent_context`'s span, or starts one, as
        `Tracer.start_span` does."""
        parent: SpanContext | None = None
        if parent_context is not ROOT:  # most requests carry no trace
            parent = trace.get_current_span(parent_context).get_span_context()
        if parent is None or not parent.is_valid:
            parent = None
            trace_id = self.ids.generate_trace_id()
            random_id = self.ids.is_trace_id_random()
        else:
            trace_id = parent.trace_id
            random_id = parent.trace_flags.random_trace_id
        sampling = self.sampler.should_sample(parent_context, trace_id, name, kind, attributes)
        flags = TraceFlags.SAMPLED if sampling.decision.is_sampled() else TraceFlags.DEFAULT
        if random_id:
            flags |= TraceFlags.RANDOM_TRACE_ID
        context = SpanContext(
            trace_id,
            self.ids.generate_span_id(),
            is_remote=False,
            trace_flags=TraceFlags(flags),
            trace_state=sampling.trace_state,
        )
        recording = sampling.decision.is_recording()
        return TurnSpan(
            self, name, kind, context, parent, dict(sampling.attributes or {}), recording
        )

    def child(
        self, parent: "TurnSpan", name: str, kind: SpanKind, attributes: Mapping[str, Any]
    ) -> "TurnSpan":
        """A span whose parent is `parent`, the sampler's decision that of its parent (as the
        default sampler's, `parentbased_always_on`, and the ratio's, by trace id)."""
        up = parent.context
        context = SpanContext(
            up.trace_id, self.ids.generate_span_id(), False, up.trace_flags, up.trace_state
        )
        return TurnSpan(self, name, kind, context, up, dict(attributes), parent.recording)

    def event(self, name: str, attributes: Mapping[str, Any]) -> Event:
        limits = self.limits
        return Event(
            name,
            BoundedAttributes(
                limits.max_event_attributes, attributes, max_value_len=limits.max_attribute_length
            ),
        )

    def end(self, span: "TurnSpan") -> None:
        attributes: Mapping[str, Any] = span.attributes
        if self.limited:
            limits = self.limits
            attributes = BoundedAttributes(
                limits.max_span_attributes, attributes, max_value_len=limits.max_attribute_length
            )
        readable = ReadableSpan(
            name=span.name,
            context=span.context,
            parent=span.parent,
            resource=self.resource,
            attributes=attributes,
            events=span.events,
            kind=span.kind,
            instrumentation_info=self.info,
            status=span.status,
            start_time=span.start_time,
            end_time=time_ns(),
            instrumentation_scope=self.scope,
        )
        for processor in self.processors:
            processor.on_end(readable)


class TurnSpan:
    """A span of a turn's while it runs: its attributes in a dict, ended into a
    `ReadableSpan` for the span processors. Not recording (not sampled, or ended), it keeps
    nothing."""

    __slots__ = (
        "_maker",
        "attributes",
        "context",
        "events",
        "kind",
        "name",
        "parent",
        "recording",
        "start_time",
        "status",
    )

    def __init__(
        self,
        maker: SpanMaker | None,
        name: str,
        kind: SpanKind,
        context: SpanContext,
        parent: SpanContext | None,
        attributes: dict[str, Any],
        recording: bool,
    ) -> None:
        self._maker = maker
        self.name = name
        self.kind = kind
        self.context = context
        self.parent = parent
        self.attributes = attributes
        self.events: list[Event] = []
        self.status = UNSET
        self.recording = recording and maker is not None
        self.start_time = time_ns()

    def child(self, name: str, kind: SpanKind, attributes: Mapping[str, Any]) -> "TurnSpan":
        if self._maker is None:
            return NOT_RECORDED
        return self._maker.child(self, name, kind, attributes)

    def set_attribute(self, key: str, value: Any) -> None:
        if self.recording:
            attributes = self.attributes
            attributes.pop(key, None)  # the SDK's spans keep the last one set last
            attributes[key] = value

    def set_attributes(self, values: Mapping[str, Any]) -> None:
        if self.recording:
            attributes = self.attributes
            for key, value in values.items():
                attributes.pop(key, None)
                attributes[key] = value

    def set_status(self, status: Status) -> None:
        if self.recording and self.status.status_code is not StatusCode.OK:
            self.status = status

    def add_event(self, name: str, attributes: Mapping[str, Any]) -> None:
        if self.recording and self._maker is not None:
            self.events.append(self._maker.event(name, attributes))

    def end(self) -> None:
        if self.recording and self._maker is not None:
            self.recording = False
            self._maker.end(self)

    def __enter__(self) -> "TurnSpan":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        where: TracebackType | None,
    ) -> None:
        # Exceptions are recorded by type only: their messages may quote what the user said.
        if isinstance(error, Exception):
            _failed(self, error)
        self.end()

    def headers(self) -> dict[str, str]:
        """The headers that carry this span's trace on, as `TraceContextTextMapPropagator`
        writes them."""
        context = self.context
        if not context.is_valid:
            return {}
        headers = {
            "traceparent": f"00-{context.trace_id:032x}-{context.span_id:016x}-"
            f"{context.trace_flags:02x}"
        }
        if context.trace_state:
            headers["tracestate"] = context.trace_state.to_header()
        return headers


ROOT = Context()
TRACEPARENT = "traceparent"
UNSET = Status(StatusCode.UNSET)
DEFAULT_ATTRIBUTE_COUNT_LIMIT = 128  # the SDK's, OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT's default
# A turn's span with telemetry on but OTEL_SDK_DISABLED: nothing recorded, no trace carried on.
NOT_RECORDED = TurnSpan(None, "", SpanKind.INTERNAL, trace.INVALID_SPAN_CONTEXT, None, {}, False)
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


def _failed(span: TurnSpan, error: BaseException) -> None:
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
    stack = dialog_context.stack
    find = dialog_context.find_dialog_sync
    while stack:
        for instance in stack:  # the top first
            dialog = find(instance.id)
            if isinstance(dialog, WaterfallDialog):
                steps = dialog._steps
                index = instance.state.get("stepIndex", 0)
                found["corebot.waterfall"] = dialog.id
                if 0 <= index < len(steps):
                    found["corebot.waterfall.step"] = getattr(steps[index], "__name__", str(index))
                break
        top = stack[0]
        dialog = find(top.id)
        stack = []
        if isinstance(dialog, ComponentDialog):
            found["corebot.dialog"] = dialog.id
            inner = top.state.get(dialog.persisted_dialog_state)
            if inner is not None:
                # The inner dialogs' stack, looked up in their set as a DialogContext of
                # theirs would (without making one: a DialogStateManager each time).
                stack = inner.dialog_stack
                find = dialog._dialogs.find_dialog
    return found
