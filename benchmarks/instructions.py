"""Instructions per turn: a figure that does not move with the machine's speed, for telling
whether a change made turns cheaper.

    python -m benchmarks.instructions [--bookings 40] [--expect-replies] [--repeated]
                                      [--otlp http://127.0.0.1:4318]
                                      [--appinsights http://127.0.0.1:4318]

Runs the bookings of `benchmarks.load`'s realistic workload (or, with `--repeated`, the same
five turns in each) in one process (bot, load generator and stub
connector together, one conversation at a time) under valgrind's callgrind, counting only
the measured bookings, after ten to warm up. Two runs of the same code agree to 0.01%; the
count includes the load generator's and the connector's share, which a change to the bot
does not move. `--otlp`: with traces and metrics exported to that OTLP/HTTP collector (the
export's own thread counted too); `HOST=127.0.0.1 PORT=4318 python -m benchmarks.load
--collector` is a stand-in that takes every export. `--appinsights`: the same, to
Application Insights at that ingestion endpoint (the stand-in takes those too). Needs valgrind (`apt-get install
valgrind`).
"""

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from benchmarks.load import EXPORTER_REPORTS_OFF, Connector, Workload, booking, post

logger = logging.getLogger("benchmarks.instructions")


WARM_UP = 10
INSTRUMENTATION_KEY = "00000000-0000-0000-0000-000000000001"


def workload(repeated: bool) -> Workload:
    return Workload(seed=3, repeated=repeated)


async def bookings(
    count: int,
    expect_replies: bool,
    repeated: bool,
    otlp: str,
    appinsights: str,
    *,
    measure: bool,
) -> None:
    # Imported here: the parent process only starts valgrind.
    from app import create_app, tune_garbage_collector
    from config import DefaultConfig
    from storage.memory import MemoryStorage

    settings = {"RECOGNIZER": "embedded", "OTEL_EXPORTER_OTLP_ENDPOINT": otlp}
    if appinsights:
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = (
            f"InstrumentationKey={INSTRUMENTATION_KEY};IngestionEndpoint={appinsights}"
        )
    bot = create_app(DefaultConfig.from_env(settings), storage=MemoryStorage())
    bot.on_startup.append(tune_garbage_collector)  # as app.main does
    async with (
        TestServer(Connector().app, host="127.0.0.1") as connector,
        TestServer(bot, host="127.0.0.1") as server,
        ClientSession() as session,
    ):
        url, service_url = str(server.make_url("/api/messages")), str(connector.make_url("/"))
        plans = workload(repeated)
        for number in range(WARM_UP):
            plan = plans.booking()
            for body in booking(
                f"warm-{number}", service_url, expect_replies, plan.texts, plan.locale
            ):
                await post(session, url, body)
        instrument("on", measure)
        for number in range(count):
            plan = plans.booking()
            for body in booking(
                f"measured-{number}", service_url, expect_replies, plan.texts, plan.locale
            ):
                await post(session, url, body)
        instrument("off", measure)


def instrument(state: str, measure: bool) -> None:
    if measure:
        subprocess.run(["callgrind_control", "-i", state, str(os.getpid())], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bookings", type=int, default=40)
    parser.add_argument("--expect-replies", action="store_true")
    parser.add_argument("--repeated", action="store_true", help="the same five turns each time")
    parser.add_argument("--otlp", default="", help="export telemetry to this OTLP/HTTP endpoint")
    parser.add_argument(
        "--appinsights", default="", help="export telemetry to this Application Insights endpoint"
    )
    parser.add_argument("--measured", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measured:
        from app import new_event_loop

        with asyncio.Runner(loop_factory=new_event_loop) as runner:
            runner.run(
                bookings(
                    arguments.bookings,
                    arguments.expect_replies,
                    arguments.repeated,
                    arguments.otlp,
                    arguments.appinsights,
                    measure=True,
                )
            )
        return
    # Only here: the measured process logs as it did (nothing below WARNING).
    logging.basicConfig(format="%(message)s", stream=sys.stdout)
    logger.setLevel(logging.INFO)  # the benchmark's lines; the bot's own INFO stays out
    with tempfile.TemporaryDirectory() as workspace:
        out = Path(workspace) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            "--measured",
            f"--bookings={arguments.bookings}",
            *(["--expect-replies"] if arguments.expect_replies else []),
            *(["--repeated"] if arguments.repeated else []),
            *([f"--otlp={arguments.otlp}"] if arguments.otlp else []),
            *([f"--appinsights={arguments.appinsights}"] if arguments.appinsights else []),
        ]
        environment = {**os.environ, **EXPORTER_REPORTS_OFF}
        subprocess.run(command, check=True, capture_output=True, env=environment)
        totals = next(
            int(line.split()[1])
            for line in out.read_text().splitlines()
            if line.startswith("totals:")
        )
    plans = workload(arguments.repeated)
    for _ in range(WARM_UP):
        plans.booking()
    turns = sum(1 + len(plans.booking().texts) for _ in range(arguments.bookings))
    mode = "expectReplies" if arguments.expect_replies else "replies to serviceUrl"
    if arguments.otlp:
        mode += ", telemetry to OTLP"
    if arguments.appinsights:
        mode += ", telemetry to Application Insights"
    logger.info("%s: %s instructions per turn", mode, f"{totals // turns:,}")


if __name__ == "__main__":
    main()
