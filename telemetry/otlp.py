"""Spans to an OTLP/HTTP collector, encoded straight into protobuf's wire format.

The OpenTelemetry exporter builds a protobuf message object for each span, attribute and
value before it serializes them: some 90 µs a span, more than the turn's own spans cost to
record. `encode_spans` writes the same bytes (the tests compare them with the exporter's
own) from the spans as they are; `OTLPSpanExporter` is the exporter with that encoding, the
rest (endpoint, headers, compression, retries) its own.
"""

import logging
import struct
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.exporter.otlp.proto.http import trace_exporter
from opentelemetry.exporter.otlp.proto.http._common import (
    RequestPayloadTooLargeError,
    _is_request_too_large,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.semconv.attributes.http_attributes import HTTP_RESPONSE_STATUS_CODE
from opentelemetry.trace import SpanContext, SpanKind, StatusCode

logger = logging.getLogger(__name__)

# Span.flags: SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK, and with it SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK.
LOCAL_PARENT = struct.pack("<I", 0x100)
REMOTE_PARENT = struct.pack("<I", 0x300)
# Span.kind, by SpanKind's value (INTERNAL is 0 in OpenTelemetry's API, 1 in OTLP); the
# enums' `_value_`, a plain attribute, rather than `value`, a property each span would call.
KINDS = [
    b"\x30" + bytes((otlp,))
    for _, otlp in sorted(
        (kind._value_, otlp)
        for kind, otlp in {
            SpanKind.INTERNAL: 1,
            SpanKind.SERVER: 2,
            SpanKind.CLIENT: 3,
            SpanKind.PRODUCER: 4,
            SpanKind.CONSUMER: 5,
        }.items()
    )
]
NAMES: dict[str, bytes] = {}  # a span's name, as its field 5
BOTH_TIMES = struct.Struct("<BQBQ")
PLAIN = (list, tuple)  # start_time_unix_nano and end_time_unix_nano
INT64 = (1 << 64) - 1
SMALL = [bytes((n,)) for n in range(0x80)]
KEYS: dict[str, bytes] = {}  # an attribute's key, as field 1 of its KeyValue
# Attributes as encoded, by their message's field, key and value: most values come from a
# small set (a channel, a dialog's name, an intent and its score for a text).
ENCODED: dict[tuple[bytes, str, type, Any], bytes] = {}
CACHED = frozenset({str, int, bool, float})
CACHE_SIZE = 4096
# The longest text kept encoded: a request's path can be a client's long text, and each
# cache is to stay well under a megabyte (4,096 entries).
CACHED_LENGTH = 128


def varint(number: int) -> bytes:
    if number < 0x80:
        return SMALL[number]
    out = bytearray()
    while number > 0x7F:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)
    return bytes(out)


def field(tag: bytes, payload: bytes) -> bytes:
    """A length-delimited field: a string, bytes or a message."""
    return tag + varint(len(payload)) + payload


def any_value(value: Any) -> bytes:
    """An AnyValue's fields, as the exporter's `_encode_value` picks them."""
    if value is None:
        return b""
    if isinstance(value, bool):
        return b"\x10\x01" if value else b"\x10\x00"
    if isinstance(value, str):
        return field(b"\x0a", value.encode())
    if isinstance(value, int):
        return b"\x18" + varint(value & INT64)
    if isinstance(value, float):
        return b"\x21" + struct.pack("<d", value)
    if isinstance(value, bytes):
        return field(b"\x3a", value)
    if isinstance(value, Sequence):
        return field(b"\x2a", b"".join(field(b"\x0a", any_value(item)) for item in value))
    if isinstance(value, Mapping):
        return field(
            b"\x32",
            b"".join(field(b"\x0a", key_value(str(key), item)) for key, item in value.items()),
        )
    raise TypeError(f"Invalid type {type(value)} of value {value}")


def key_value(key: str, value: Any) -> bytes:
    name = KEYS.get(key)
    if name is None:
        name = KEYS[key] = field(b"\x0a", key.encode()) if key else b""
    return name + field(b"\x12", any_value(value))


def attributes(tag: bytes, values: Mapping[str, Any] | None) -> bytes:
    """Each attribute, as a KeyValue in the message's field `tag`."""
    if not values:
        return b""
    encoded = []
    for key, value in values.items():
        kind = type(value)
        if kind in CACHED and (kind is not str or len(value) <= CACHED_LENGTH):
            # The type is part of the key: True == 1, and 1 == 1.0, are encoded differently.
            known = (tag, key, kind, value)
            found = ENCODED.get(known)
            if found is None:
                if len(ENCODED) >= CACHE_SIZE:
                    ENCODED.clear()
                found = ENCODED[known] = field(tag, key_value(key, value))
            encoded.append(found)
            continue
        try:
            encoded.append(field(tag, key_value(key, value)))
        except Exception:  # as the exporter does: the attribute is left out, the span kept
            logger.exception("Failed to encode key %s", key)
    return b"".join(encoded)


def flags(parent: SpanContext | None) -> bytes:
    return REMOTE_PARENT if parent is not None and parent.is_remote else LOCAL_PARENT


def encode_span(span: ReadableSpan) -> bytes:
    if type(span) is ReadableSpan:
        # The SDK's spans as its processors get them, and the turns': the fields as they are
        # stored, without a property call each (a third of the span's encoding). The tests
        # compare the bytes with the SDK's encoding, of the SDK version this is pinned to.
        context, parent, name = span._context, span._parent, span._name
        start, end, values = span._start_time, span._end_time, span._attributes
        events, links, status = span._events, span._links, span._status
        kind = span._kind
    else:
        context, parent, name = span.get_span_context(), span.parent, span.name
        start, end, values = span.start_time, span.end_time, span.attributes
        events, links, status = span.events, span.links, span.status
        kind = span.kind
    assert context is not None
    parts = [
        b"\x0a\x10",
        context.trace_id.to_bytes(16, "big"),
        b"\x12\x08",
        context.span_id.to_bytes(8, "big"),
    ]
    if context.trace_state:
        state = ",".join(f"{key}={value}" for key, value in context.trace_state.items())
        parts.append(field(b"\x1a", state.encode()))
    if parent is not None:
        parts += (b"\x22\x08", parent.span_id.to_bytes(8, "big"))
    encoded_name = NAMES.get(name)
    if encoded_name is None:
        encoded_name = field(b"\x2a", name.encode()) if name else b""
        if len(name) <= CACHED_LENGTH:
            if len(NAMES) >= CACHE_SIZE:
                NAMES.clear()
            NAMES[name] = encoded_name
    parts += (encoded_name, KINDS[kind._value_])
    if start and end:
        parts.append(BOTH_TIMES.pack(0x39, start, 0x41, end))
    elif start or end:
        parts.append(struct.pack("<BQ", 0x39 if start else 0x41, start or end))
    parts.append(attributes(b"\x4a", values))
    # A plain dict, list or tuple has dropped nothing; the SDK's bounded ones may have.
    if type(values) is not dict and (dropped := span.dropped_attributes):
        parts.append(b"\x50" + varint(dropped))
    for event in events:
        parts.append(
            field(
                b"\x5a",
                (b"\x09" + struct.pack("<Q", event.timestamp) if event.timestamp else b"")
                + (field(b"\x12", event.name.encode()) if event.name else b"")
                + attributes(b"\x1a", event.attributes)
                + (b"\x20" + varint(event.dropped_attributes) if event.dropped_attributes else b""),
            )
        )
    if type(events) not in PLAIN and (dropped := span.dropped_events):
        parts.append(b"\x60" + varint(dropped))
    for link in links:
        dropped = link.dropped_attributes
        parts.append(
            field(
                b"\x6a",
                b"\x0a\x10"
                + link.context.trace_id.to_bytes(16, "big")
                + b"\x12\x08"
                + link.context.span_id.to_bytes(8, "big")
                + attributes(b"\x22", link.attributes)
                + (b"\x28" + varint(dropped) if dropped else b"")
                + b"\x35"
                + flags(link.context),
            )
        )
    if type(links) not in PLAIN and (dropped := span.dropped_links):
        parts.append(b"\x70" + varint(dropped))
    code, description = status.status_code, status.description
    if code is StatusCode.UNSET and not description:
        parts.append(b"\x7a\x00")
    else:
        parts.append(
            field(
                b"\x7a",
                (field(b"\x12", description.encode()) if description else b"")
                + (b"\x18" + varint(code._value_) if code._value_ else b""),
            )
        )
    parts += (
        b"\x85\x01",
        REMOTE_PARENT if parent is not None and parent.is_remote else LOCAL_PARENT,
    )
    return b"".join(parts)


def encode_scope(scope: InstrumentationScope | None) -> bytes:
    if scope is None:
        return b""
    return (
        (field(b"\x0a", scope.name.encode()) if scope.name else b"")
        + (field(b"\x12", scope.version.encode()) if scope.version else b"")
        + attributes(b"\x1a", scope.attributes)
    )


def encode_spans(spans: Sequence[ReadableSpan]) -> bytes:
    """An ExportTraceServiceRequest of `spans`, grouped by resource and then by
    instrumentation scope in the order they first come, as the exporter's `encode_spans`."""
    groups: list[tuple[Resource, list[tuple[InstrumentationScope | None, list[bytes]]]]] = []
    resource: Resource | None = None
    scope: InstrumentationScope | None = None
    scopes: list[tuple[InstrumentationScope | None, list[bytes]]] = []
    encoded: list[bytes] | None = None
    for span in spans:
        # Most often the same objects as the span before's: compared by identity first.
        if span.resource is not resource or not groups:
            resource = span.resource
            scopes = next((found for known, found in groups if known == resource), [])
            if not scopes:
                groups.append((resource, scopes))
            encoded = None
        span_scope = span.instrumentation_scope or None
        if span_scope is not scope or encoded is None:
            scope = span_scope
            encoded = next((found for known, found in scopes if known == scope), None)
            if encoded is None:
                encoded = []
                scopes.append((scope, encoded))
        encoded.append(field(b"\x12", encode_span(span)))
    return b"".join(
        field(
            b"\x0a",
            field(b"\x0a", attributes(b"\x0a", known.attributes))
            + b"".join(
                field(
                    b"\x12",
                    field(b"\x0a", encode_scope(scope))
                    + b"".join(found)
                    + (
                        field(b"\x1a", scope.schema_url.encode())
                        if scope and scope.schema_url
                        else b""
                    ),
                )
                for scope, found in scoped
            )
            + (field(b"\x1a", known.schema_url.encode()) if known.schema_url else b""),
        )
        for known, scoped in groups
    )


class OTLPSpanExporter(trace_exporter.OTLPSpanExporter):
    """OpenTelemetry's OTLP/HTTP span exporter, with `encode_spans` for its encoding."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        # As the exporter's own `export`, but for the encoding.
        if self._shutdown:
            logger.warning("Exporter already shutdown, ignoring batch")
            return SpanExportResult.FAILURE
        with self._metrics.export_operation(len(spans)) as result:
            try:
                data = encode_spans(spans)
            except Exception as error:
                logger.error("Failed to encode span batch: %s", error)
                result.error = error
                return SpanExportResult.FAILURE
            if _is_request_too_large(data, self._max_request_size):
                logger.warning(
                    "Dropping span batch: serialized size %d bytes exceeds max_request_size "
                    "%d bytes.",
                    len(data),
                    self._max_request_size,
                )
                result.error = RequestPayloadTooLargeError(
                    f"Serialized span request size {len(data)} bytes exceeds max_request_size "
                    f"{self._max_request_size} bytes."
                )
                return SpanExportResult.FAILURE
            exported = self._client.export(data)
            if not exported.success:
                result.error = exported.error
                result.error_attrs = (
                    {HTTP_RESPONSE_STATUS_CODE: exported.status_code}
                    if exported.status_code is not None
                    else None
                )
                return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS
