"""Spans to Application Insights, each turned straight into its envelope's JSON.

Azure Monitor's exporter turns each span into an envelope through its generated models (a
model object for the envelope, its data and its base data, each field set through the
models' machinery), then writes them in JSON: some 360 µs a span, more than the turn it
records costs. `envelope` writes the same JSON (the tests compare it with the exporter's,
byte for byte) straight from the span, some 12 µs, for the spans the bot makes;
`AppInsightsSpanExporter` is the exporter with that conversion, the rest (the resource's
metric, exception events, transport, retries, local storage, its own statistics) its own.
A span the bot does not make (another kind, another library's attributes, events or links)
goes through the exporter's conversion.
"""

import json
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii as text
from typing import Any

from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter
from azure.monitor.opentelemetry.exporter._generated.exporter._utils.model_base import (
    SdkJSONEncoder,
)
from azure.monitor.opentelemetry.exporter._utils import (
    _populate_part_a_fields,
    azure_monitor_context,
    ns_to_duration,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode

REQUEST = "Microsoft.ApplicationInsights.Request"
DEPENDENCY = "Microsoft.ApplicationInsights.RemoteDependency"
# The attributes a span of the bot's carries besides its own `corebot.*` ones: the only ones
# whose meaning to the exporter `envelope` knows. All are standard attributes, which the
# exporter leaves out of the envelope's properties.
KNOWN = frozenset(
    {
        "http.request.method",
        "http.route",
        "http.response.status_code",
        "server.address",
        "error.type",
    }
)
KINDS = (SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL)
OURS = "corebot."
LONGEST_KEY = 150
LONGEST_VALUE = 8 * 1024
LONGEST_NAME = 1024
JSON_BOOLEAN = ("false", "true")  # by False, True


def written(item: Any) -> str:
    """An envelope in JSON, as the exporter's client writes it: ours as written, its own
    (models) with its encoder."""
    if isinstance(item, Envelope):
        return item.text
    return json.dumps(item, cls=SdkJSONEncoder, exclude_readonly=True)


class Envelope:
    """An envelope as the JSON text the exporter posts, also read as the exporter reads its
    own: its statistics read `data.base_type` and `data.base_data.success`, its local storage
    keeps `as_dict()`."""

    __slots__ = ("data", "text")

    def __init__(self, text: str, base_type: str, success: bool) -> None:
        self.text = text
        self.data = EnvelopeData(base_type, success)

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.text)
        return found

    def __repr__(self) -> str:
        return self.text


class EnvelopeData:
    __slots__ = ("base_data", "base_type")

    def __init__(self, base_type: str, success: bool) -> None:
        self.base_type = base_type
        self.base_data = BaseData(success)


class BaseData:
    __slots__ = ("success",)

    def __init__(self, success: bool) -> None:
        self.success = success


def is_ours(span: ReadableSpan) -> bool:
    """Whether `envelope` knows every part of `span` the exporter would read."""
    return _properties(span) is not None


def _properties(span: ReadableSpan) -> str | None:
    """The envelope's properties of `span` in JSON (its `corebot.*` attributes), or None for a
    span whose other parts `envelope` does not know."""
    if span.events or span.links or span.kind not in KINDS:
        return None
    scope = span.instrumentation_scope
    # The exporter notes spans of Azure SDKs and of OpenTelemetry's instrumentations.
    if scope is not None and scope.name.startswith(("azure", "opentelemetry.")):
        return None
    attributes = span.attributes or {}
    written = []
    for key, value in attributes.items():
        if key.startswith(OURS):
            if len(key) <= LONGEST_KEY and value is not None:
                written.append(_property(key, value))
        elif key not in KNOWN:
            return None
    is_http = "http.request.method" in attributes
    # A request is the bot's over HTTP with its route; a dependency, the bot's without HTTP.
    if span.kind is SpanKind.SERVER:
        if not (is_http and "http.route" in attributes):
            return None
    elif is_http or "http.route" in attributes:
        return None
    return ", ".join(written)


def _property(key: str, value: Any) -> str:
    """`key: value` in JSON, value as text; kept when short, as most are (a channel, a
    dialog's name, an intent)."""
    cached = (key, type(value), value)
    found = _PROPERTIES.get(cached)
    if found is not None:
        return found
    written = f"{text(key)}: {text(str(value)[:LONGEST_VALUE])}"
    if isinstance(value, str | int | float) and len(written) <= CACHED_LENGTH:
        if len(_PROPERTIES) >= CACHE_SIZE:
            _PROPERTIES.clear()
        _PROPERTIES[cached] = written
    return written


_PROPERTIES: dict[tuple[str, type, Any], str] = {}
CACHE_SIZE = 4096
CACHED_LENGTH = 200


def envelope(span: ReadableSpan, instrumentation_key: str | None) -> Envelope | None:
    """`span`'s envelope, as the exporter makes it and writes it in JSON; None for a span
    the bot does not make (`is_ours`)."""
    properties = _properties(span)
    if properties is None:
        return None
    attributes = span.attributes or {}
    context = span.context
    start = span.start_time or 0
    end = span.end_time or 0
    span_id = f"{context.span_id:016x}"
    parent = span.parent
    tags = (
        _tags(span.resource, instrumentation_key) + f'"ai.operation.id": "{context.trace_id:032x}"'
    )
    if parent is not None and parent.span_id:
        tags += f', "ai.operation.parentId": "{parent.span_id:016x}"'
    is_ok = span.status.status_code is not StatusCode.ERROR
    when = _time(start)
    duration = ns_to_duration(end - start if start and end else 0)
    if span.kind is SpanKind.SERVER:
        name = f"{attributes['http.request.method']!s} {attributes['http.route']!s}"
        code = _status_code(attributes.get("http.response.status_code"))
        success = is_ok and code != 0 and not 400 <= code < 500
        return Envelope(
            f'{{"name": "{REQUEST}", {tags}, "ai.operation.name": {text(name)}}}, '
            f'"time": "{when}", "data": {{"baseData": {{"ver": 2, '
            f'"name": {text(name[:LONGEST_NAME])}, "id": "{span_id}", '
            f'"duration": "{duration}", "responseCode": {text(str(code)[:LONGEST_NAME])}, '
            f'"success": {JSON_BOOLEAN[success]}, "properties": {{{properties}}}, '
            f'"measurements": {{}}, "url": ""}}, "baseType": "RequestData"}}}}',
            "RequestData",
            success,
        )
    kind = "N/A" if span.kind is SpanKind.CLIENT else "InProc"
    return Envelope(
        f'{{"name": "{DEPENDENCY}", {tags}, "ai.operation.name": {text(span.name)}}}, '
        f'"time": "{when}", "data": {{"baseData": {{"ver": 2, '
        f'"name": {text(span.name[:LONGEST_NAME])}, "id": "{span_id}", "resultCode": "0", '
        f'"duration": "{duration}", "success": {JSON_BOOLEAN[is_ok]}, "properties": {{{properties}}}, '
        f'"measurements": {{}}, "type": "{kind}"}}, "baseType": "RemoteDependencyData"}}}}',
        "RemoteDependencyData",
        is_ok,
    )


def _status_code(value: Any) -> int:
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        return 0


def _time(nanoseconds: int) -> str:
    """A span's start as the exporter's models write it: `datetime.fromtimestamp` of it in
    seconds (rounded to the microsecond, half to even), in ISO 8601; the date and time
    worked out once a second."""
    moment = nanoseconds / 1e9
    seconds = int(moment)
    microseconds = round((moment - seconds) * 1e6)
    if microseconds >= 1_000_000:
        seconds += 1
        microseconds -= 1_000_000
    known, written = _SECOND[0]
    if known != seconds:
        written = datetime.fromtimestamp(seconds, tz=UTC).isoformat()[:19]
        _SECOND[0] = (seconds, written)
    if microseconds:
        return f"{written}.{microseconds:06d}Z"
    return f"{written}Z"


_SECOND: list[tuple[int, str]] = [(-1, "")]  # the last second written, whole (threads read it)


_TAGS: list[tuple[Resource, str | None, str]] = []


def _tags(resource: Resource, instrumentation_key: str | None) -> str:
    """The envelope's start in JSON up to its tags of the span (the envelope's name left out),
    the same for every span: the key and the tags of the process and of the resource (cloud
    role, instance, device, version), worked out once (a provider's resource does not
    change)."""
    for known, key, written in _TAGS:
        if known is resource and key == instrumentation_key:
            return written
    tags = {**azure_monitor_context, **_populate_part_a_fields(resource)}
    inner = json.dumps(tags)[1:-1]
    written = f'"iKey": {json.dumps(instrumentation_key)}, "tags": {{{inner}{", " if inner else ""}'
    _TAGS[:] = [(resource, instrumentation_key, written)]
    return written


class AppInsightsSpanExporter(AzureMonitorTraceExporter):
    """Azure Monitor's trace exporter, the bot's spans turned into envelopes by `envelope`,
    posted as they are written."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        track = self.client.track

        def track_written(body: Any, **options: Any) -> Any:
            if isinstance(body, list) and any(isinstance(item, Envelope) for item in body):
                body = ("[" + ", ".join(map(written, body)) + "]").encode()
            return track(body, **options)

        self.client.track = track_written  # type: ignore[method-assign]

    def _span_to_envelope(self, span: ReadableSpan) -> Any:
        made = envelope(span, self._instrumentation_key)
        return made if made is not None else super()._span_to_envelope(span)
