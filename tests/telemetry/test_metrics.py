"""The turns' timings wait in the bot, then reach the SDK's histograms as if recorded one by one."""

import random
from typing import Any

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader
from opentelemetry.trace import SpanContext, SpanKind, TraceFlags

from telemetry.otel import NOT_RECORDED, SECONDS, Timings, TurnSpan, span_context

SERIES = [
    {"corebot.channel": "emulator", "corebot.activity.type": "message"},
    {"corebot.channel": "webchat", "corebot.activity.type": "message"},
    {"corebot.channel": "emulator", "corebot.activity.type": "conversationUpdate"},
]


def a_span(number: int) -> TurnSpan:
    context = SpanContext(10_000 + number, 20_000 + number, False, TraceFlags(1))
    return TurnSpan(None, "POST /api/messages", SpanKind.SERVER, context, None, {}, True)


def histograms(reader: InMemoryMetricReader) -> list[Any]:
    """Each series' count, sum, buckets, min, max and exemplars (value, span), in order."""
    data = reader.get_metrics_data()
    assert data is not None
    points = [
        point
        for exported in data.resource_metrics
        for scope in exported.scope_metrics
        for metric in scope.metrics
        for point in metric.data.data_points
        if isinstance(point, HistogramDataPoint)
    ]
    return sorted(
        (
            sorted((point.attributes or {}).items()),
            point.count,
            round(point.sum, 9),
            list(point.bucket_counts),
            point.min,
            point.max,
            [(exemplar.value, exemplar.span_id, exemplar.trace_id) for exemplar in point.exemplars],
        )
        for point in points
    )


def test_waiting_timings_give_the_histograms_and_exemplars_of_timings_recorded_at_once() -> None:
    pick = random.Random(11)
    values = [
        (pick.choice([0.001, 0.02, 0.3, 4.0, 20.0]) * pick.random(), pick.choice(SERIES), n)
        for n in range(3000)
    ]
    waited, at_once = InMemoryMetricReader(), InMemoryMetricReader()
    meters = [
        MeterProvider(metric_readers=[reader]).get_meter("corebot") for reader in (waited, at_once)
    ]
    made = [
        meter.create_histogram(
            "corebot.turn.duration", "s", explicit_bucket_boundaries_advisory=SECONDS
        )
        for meter in meters
    ]
    timings = Timings(made[0], SECONDS)

    for value, attributes, number in values:
        timings.record(value, attributes, a_span(number))
        made[1].record(value, attributes, span_context(a_span(number).context))
    timings.flush()

    found = histograms(waited)  # a collection: the exemplars are those since the last
    assert found == histograms(at_once)
    assert sum(len(series[-1]) for series in found) > 10


def test_a_timing_of_a_span_not_recorded_has_no_exemplar() -> None:
    reader = InMemoryMetricReader()
    histogram = (
        MeterProvider(metric_readers=[reader])
        .get_meter("corebot")
        .create_histogram("corebot.turn.duration", "s", explicit_bucket_boundaries_advisory=SECONDS)
    )
    timings = Timings(histogram, SECONDS)

    timings.record(0.2, SERIES[0], NOT_RECORDED)
    timings.record(0.3, SERIES[0], NOT_RECORDED)
    timings.flush()

    [(_, count, *_, exemplars)] = histograms(reader)
    assert (count, exemplars) == (2, [])
