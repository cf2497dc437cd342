"""Load benchmark: the bot over real HTTP on 127.0.0.1, against a bare aiohttp route.

    [BOT_SDK=agents] python -m benchmarks.load [--concurrency 1 8 64] [--bookings 400]
                                               [--idle 10000] [--no-cache]
                                               [--telemetry-rounds 10] [--telemetry-only]

Run it with the build's own venv (`.venv/bin/python`, or `.venv-agents/bin/python` with
BOT_SDK=agents). First, what telemetry costs: three bot processes, one with telemetry off,
one exporting to an OTLP/HTTP collector, one to Application Insights (both stand-ins on
127.0.0.1 that take every export), driven in turn round after round with the realistic
workload below, 8 conversations at a time (`--telemetry-rounds`; 0 for none). Prints each
one's row, and the CPU per turn (all its threads, the exporters' included) of each
exporter's to telemetry off's: the median of the rounds' ratios.

Then starts `app.py` (embedded recognizer, authentication off) of the build BOT_SDK names
in a process of its own, and a bare route in another. N concurrent conversations book
`--bookings` flights between them (greeting, request, origin, `tomorrow`, `yes`: five turns
each, every booking in a new conversation), with replies posted to a stub connector at
`serviceUrl` and with `expectReplies`. Prints turns/s, turn latency percentiles, the
server's CPU per turn and the same for the bare route. Then, each in a fresh bot process:
start-to-listening time, the first date turn's latency against later ones, and memory per
idle conversation after `--idle` bookings. Last, the stored state of one conversation after
1 and 10 bookings. `--no-cache` starts the bots with RECOGNITION_CACHE_SIZE=0, so every text
is recognized.
"""

import argparse
import asyncio
import gzip
import itertools
import json
import logging
import os
import random
import socket
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, TCPConnector, web

from config import bot_sdk
from helpers.datetime_helper import either_days, numeric_date

ROOT = Path(__file__).resolve().parent.parent
BOOKED = "I have you booked"
TICKS = os.sysconf("SC_CLK_TCK")
# Every conversation in a run is new: the bot skips activities it has seen before.
CONVERSATIONS = itertools.count()
logger = logging.getLogger("benchmarks.load")
EXPORTERS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "APPLICATIONINSIGHTS_CONNECTION_STRING")
# Longer than the span batches' schedule (5 s): the last round's spans are exported in it.
EXPORT_DELAY = 6.0
TELEMETRY_BOOKINGS = 200  # per round: some 1,000 turns, longer than a batch of spans waits


@dataclass
class Server:
    process: asyncio.subprocess.Process
    url: str
    started_in: float  # seconds from spawn to answering
    is_bot: bool = False

    def cpu_ns(self) -> int:
        """Nanoseconds on the CPU, all the process's threads, from the scheduler's count."""
        return sum(
            int(task.joinpath("schedstat").read_text().split()[0])
            for task in Path(f"/proc/{self.process.pid}/task").iterdir()
        )

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def serve(
    *command: str, health_path: str, settings: dict[str, str] | None = None
) -> AsyncIterator[Server]:
    """Run `command` (which listens on $PORT) until the block ends."""
    port = free_port()
    # Telemetry only where `settings` turn it on.
    env = {name: value for name, value in os.environ.items() if name not in EXPORTERS}
    env.update({"HOST": "127.0.0.1", "PORT": str(port), "RECOGNIZER": "embedded"})
    env.update(settings or {})
    env.pop("MicrosoftAppId", None)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, env=env, stderr=asyncio.subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    async with ClientSession() as session:
        while True:
            try:
                async with session.get(url + health_path):
                    break
            except OSError:
                if process.returncode is not None:
                    raise RuntimeError(f"{command} exited with {process.returncode}") from None
                await asyncio.sleep(0.01)
    server = Server(
        process, url + "/api/messages", time.perf_counter() - started, is_bot=command[1] == "app.py"
    )
    try:
        yield server
    finally:
        process.terminate()
        await process.wait()


def bare_app() -> web.Application:
    """What a turn costs with no bot at all: read the body, answer."""

    async def messages(request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("deliveryMode") == "expectReplies":
            return web.json_response({"activities": []})
        return web.Response(status=201)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", health)
    return app


class Collector:
    """The stand-in for an OpenTelemetry collector (OTLP/HTTP) and for Application Insights'
    ingestion endpoint: it takes every export, as a healthy one does."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_post("/v1/traces", self._otlp)
        self.app.router.add_post("/v1/metrics", self._otlp)
        self.app.router.add_post("/v2.1/track", self._track)
        self.app.router.add_get("/healthz", self._health)

    async def _otlp(self, request: web.Request) -> web.Response:
        await request.read()
        return web.Response(content_type="application/x-protobuf")  # an empty ExportResponse

    async def _track(self, request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        text = body.decode()
        # The exporter retries what the answer does not say was accepted.
        items = len(json.loads(text)) if text.startswith("[") else len(text.splitlines())
        return web.json_response({"itemsReceived": items, "itemsAccepted": items, "errors": []})

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})


class Connector:
    """The Bot Connector stand-in the bot posts its replies to."""

    def __init__(self) -> None:
        self.replies = 0
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{tail:.*}", self._post)
        self.app.router.add_get("/healthz", self._health)

    async def _post(self, request: web.Request) -> web.Response:
        await request.read()
        self.replies += 1
        return web.json_response({"id": str(self.replies)})

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})


AIRPORTS = ["Paris", "London", "Berlin", "New York", "Seattle"]


def date_forms(day: date, today: date, locale: str | None) -> list[str]:
    """`day` as people type a travel date (all of them definite: a year, or a day counted
    from `today`), in numbers as `locale` writes dates (month first where it says none)."""
    month = day.strftime("%B")
    nth = f"{day.day}{ordinal(day.day)}"
    forms = [
        f"{month} {nth} {day.year}",
        f"{month.lower()} {day.day} {day.year}",
        f"the {nth} of {month} {day.year}",
        f"{nth} {month.lower()} {day.year}",
        day.isoformat(),
        f"in {(day - today).days} days",
        f"{day.day}/{day.month}/{day.year}"
        if locale == "en-GB"
        else f"{day.month}/{day.day}/{day.year}",
    ]
    return forms


def asks_which_day(when: str, locale: str | None) -> bool:
    """True when the bot asks which of two days a date in numbers is: no locale says."""
    return locale is None and either_days(numeric_date(when, None)) is not None


def ordinal(number: int) -> str:
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


class Workload:
    """Bookings as different users make them, drawn from a seeded generator: each names a
    different day, in one of many forms, and two different cities; in some the date comes at
    the date question, in others inside the first message. Their channels report en-US,
    en-GB or no locale; where none says how a date in numbers is written, the user answers
    the bot's `Do you mean ...?`. `repeated` gives today's old workload instead: the same five
    turns in every booking."""

    def __init__(self, seed: int = 7, *, repeated: bool = False, today: date | None = None):
        self.random = random.Random(seed)
        self.repeated = repeated
        self.today = today or date.today()

    def booking(self) -> "Booking":
        """The messages of one booking, up to its `yes`."""
        if self.repeated:
            return Booking(["book a flight to Paris", "Berlin", "tomorrow", "yes"], "tomorrow")
        pick = self.random
        destination, origin = pick.sample(AIRPORTS, 2)
        day = self.today + timedelta(days=pick.randint(1, 400))
        locale = pick.choice(LOCALES)
        when = pick.choice([*date_forms(day, self.today, locale), "tomorrow", "tmrw"])
        texts = pick.choice(
            [
                [f"book a flight to {destination}", origin, when, "yes"],
                [f"I want to fly from {origin} to {destination}", when, "yes"],
                [f"fly from {origin} to {destination} on {when}", "yes"],
                [f"book a flight from {origin} to {destination} {when}", "yes"],
                [f"flight to {destination.lower()} {when} please", origin.lower(), "yes"],
                [f"I need to get to {destination}", f"from {origin}", when, "yes please"],
            ]
        )
        if asks_which_day(when, locale):
            texts.insert(-1, f"{day.strftime('%B')} {day.day}")
        return Booking(texts, when, locale)


LOCALES = ["en-US", "en-US", "en-GB", None]


@dataclass(frozen=True)
class Booking:
    texts: list[str]
    date: str  # as typed, alone or inside a message
    locale: str | None = "en-US"

    @property
    def date_turn(self) -> int:
        """The number of the turn that names the date (the user's joining is turn 0)."""
        return 1 + next(number for number, text in enumerate(self.texts) if self.date in text)


def booking(
    conversation: str,
    service_url: str,
    expect_replies: bool,
    texts: list[str],
    locale: str | None = "en-US",
) -> list[dict[str, Any]]:
    """The activities of one booking in a new conversation: the user joins, then says
    `texts`."""
    common: dict[str, Any] = {
        "channelId": "emulator",
        "serviceUrl": service_url,
        "conversation": {"id": conversation},
        "from": {"id": f"user-{conversation}"},
        "recipient": {"id": "bot"},
    }
    if locale is not None:
        common["locale"] = locale
    if expect_replies:
        common["deliveryMode"] = "expectReplies"
    join: dict[str, Any] = {
        "type": "conversationUpdate",
        "membersAdded": [{"id": f"user-{conversation}"}],
    }
    turns = [join, *({"type": "message", "text": text} for text in texts)]
    return [
        {**common, **turn, "id": f"{conversation}-{number}"} for number, turn in enumerate(turns)
    ]


@dataclass
class Measure:
    turns: int
    seconds: float
    cpu_seconds: float
    latencies: list[float]

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)


async def drive(
    server: Server,
    service_url: str,
    workload: Workload,
    *,
    concurrency: int,
    bookings: int,
    expect_replies: bool,
) -> Measure:
    """`bookings` bookings from `workload`, by `concurrency` conversations at a time. With
    `expectReplies`, each booking must end booked: a benchmark of bookings that went astray
    would measure something else."""
    latencies: list[float] = []
    left = iter(range(bookings))

    async def user(session: ClientSession) -> None:
        for _ in left:
            plan = workload.booking()
            texts = plan.texts
            conversation = f"c{next(CONVERSATIONS)}"
            for body in booking(conversation, service_url, expect_replies, texts, plan.locale):
                latency, answer = await post(session, server.url, body)
                latencies.append(latency)
            if expect_replies and server.is_bot and BOOKED not in answer:
                raise RuntimeError(f"{texts} did not end booked: {answer[-300:]}")

    async with ClientSession(connector=TCPConnector(limit=concurrency)) as session:
        cpu = server.cpu_seconds()
        started = time.perf_counter()
        await asyncio.gather(*(user(session) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu
    return Measure(len(latencies), seconds, cpu, latencies)


async def post(session: ClientSession, url: str, body: dict[str, Any]) -> tuple[float, str]:
    """Seconds until the turn was answered, and the answer."""
    started = time.perf_counter()
    async with session.post(url, json=body) as response:
        answer = await response.text()
        if response.status not in (200, 201):
            raise RuntimeError(f"turn answered {response.status}")
    return time.perf_counter() - started, answer


def row(label: str, measure: Measure) -> str:
    return (
        f"{label:<34} {measure.turns / measure.seconds:7.0f} turns/s  "
        f"p50 {1000 * measure.percentile(50):6.1f}  p95 {1000 * measure.percentile(95):6.1f}  "
        f"p99 {1000 * measure.percentile(99):6.1f} ms  "
        f"CPU {1000 * measure.cpu_seconds / measure.turns:5.2f} ms/turn"
    )


async def load(
    bot: Server, bare: Server, service_url: str, concurrencies: list[int], bookings: int
) -> None:
    rows = [
        ("a different day in each booking", Workload(seed=7)),
        ("the same five turns in each booking", Workload(repeated=True)),
    ]
    for title, workload in rows:
        logger.info("workload: %s", title)
        for expect_replies in (False, True):
            mode = "expectReplies" if expect_replies else "replies to serviceUrl"
            for concurrency in concurrencies:
                measures = {}
                for name, server in (("bot", bot), ("bare", bare)):
                    measures[name] = await drive(
                        server,
                        service_url,
                        workload,
                        concurrency=concurrency,
                        bookings=bookings,
                        expect_replies=expect_replies,
                    )
                    logger.info("%s", row(f"{name:<5} {mode}, N={concurrency}", measures[name]))
                logger.info("%s", ratio(measures["bot"], measures["bare"]))


def ratio(bot: Measure, bare: Measure) -> str:
    throughput = (bot.turns / bot.seconds) / (bare.turns / bare.seconds)
    cpu = (bot.cpu_seconds / bot.turns) / (bare.cpu_seconds / bare.turns)
    return f"{'':<6}bot / bare: {throughput:.2f} of the turns/s, {cpu:.1f} times the CPU per turn"


async def new_dates(bot: Server, service_url: str, bookings: int) -> None:
    """The turns that name a date nobody typed to this process before, one booking at a
    time: the first of a fresh process, then the CPU (all the server's threads) and latency
    of the later ones."""
    workload = Workload(seed=11)
    seen: set[str] = set()
    cpu: list[float] = []
    latencies: list[float] = []
    async with ClientSession() as session:
        while len(cpu) < bookings + 1:
            plan = workload.booking()
            if plan.date in seen:
                continue
            seen.add(plan.date)
            for number, body in enumerate(
                booking(f"c{next(CONVERSATIONS)}", service_url, True, plan.texts, plan.locale)
            ):
                before = bot.cpu_ns()
                latency, answer = await post(session, bot.url, body)
                if number == plan.date_turn:
                    cpu.append((bot.cpu_ns() - before) / 1e6)
                    latencies.append(1000 * latency)
            if BOOKED not in answer:
                raise RuntimeError(f"{plan.texts} did not end booked: {answer[-300:]}")
    logger.info(
        "%s",
        f"a never-seen date's turn: the fresh process's first {latencies[0]:.1f} ms; "
        f"later, {bookings} dates: CPU p50 {percentile(cpu[1:], 50):.2f} ms, "
        f"p95 {percentile(cpu[1:], 95):.2f} ms; latency p50 {percentile(latencies[1:], 50):.1f} ms, "
        f"p95 {percentile(latencies[1:], 95):.1f} ms",
    )


# Azure Monitor's exporter's reports on itself go to Microsoft, not to the connection
# string's endpoint: every 15 minutes, nothing a turn pays for.
EXPORTER_REPORTS_OFF = {
    "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
    "APPLICATIONINSIGHTS_SDKSTATS_DISABLED": "true",
    "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED": "true",
}


def telemetry_settings(collector_url: str) -> dict[str, dict[str, str]]:
    """The bot's settings for each telemetry row: off, and exporting to the stand-in
    collector at `collector_url` over OTLP/HTTP, or as to Application Insights."""
    return {
        "telemetry off": {},
        "OTLP/HTTP": {"OTEL_EXPORTER_OTLP_ENDPOINT": collector_url},
        "Azure Monitor": {
            "APPLICATIONINSIGHTS_CONNECTION_STRING": (
                "InstrumentationKey=00000000-0000-0000-0000-000000000001;"
                f"IngestionEndpoint={collector_url}"
            ),
            **EXPORTER_REPORTS_OFF,
        },
    }


async def telemetry_cost(
    bot_command: tuple[str, ...],
    settings: dict[str, str],
    service_url: str,
    collector_url: str,
    rounds: int,
    bookings: int,
) -> None:
    """The CPU per turn (all the bot's threads, the exporters' included) with telemetry off
    and on, one bot process each, driven in turn: round after round, each bot books
    `bookings` flights of the realistic workload, 8 conversations at a time, with replies to
    `serviceUrl`. A round's CPU runs from its start to the start of the same bot's next
    round, so that the spans a bot exports after its round are counted in it; the order of
    the bots changes each round. The ratio is each round's, to the round of telemetry off;
    its median over the rounds is the figure, the rounds' range beside it."""
    variants = telemetry_settings(collector_url)
    async with AsyncExitStack() as stack:
        bots = {
            name: await stack.enter_async_context(
                serve(*bot_command, health_path="/healthz", settings={**settings, **extra})
            )
            for name, extra in variants.items()
        }
        workloads = {name: Workload(seed=17) for name in bots}
        names = list(bots)
        per_turn: dict[str, list[float]] = {name: [] for name in names}
        totals = {name: Measure(0, 0.0, 0.0, []) for name in names}
        started: dict[str, tuple[int, int]] = {}  # CPU ns at the round's start, its turns
        for number in range(rounds + 2):  # a round to warm up; the last only closes the one before
            if number > rounds:
                await asyncio.sleep(EXPORT_DELAY)
            order = names[number % len(names) :] + names[: number % len(names)]
            for name in order:
                bot = bots[name]
                cpu = bot.cpu_ns()
                if name in started and number > 1:
                    before, turns = started[name]
                    per_turn[name].append((cpu - before) / 1e6 / turns)
                    totals[name].cpu_seconds += (cpu - before) / 1e9
                if number > rounds:
                    continue
                measure = await drive(
                    bot,
                    service_url,
                    workloads[name],
                    concurrency=8,
                    bookings=bookings,
                    expect_replies=False,
                )
                started[name] = (cpu, measure.turns)
                if number > 0:
                    totals[name].turns += measure.turns
                    totals[name].seconds += measure.seconds
                    totals[name].latencies += measure.latencies
    logger.info(
        "telemetry, a different day in each booking, replies to serviceUrl, N=8: "
        "%d rounds of %d bookings",
        rounds,
        bookings,
    )
    off = per_turn[names[0]]
    for name in names:
        logger.info("%s", row(name, totals[name]))
        if name != names[0]:
            ratios = [on / base for on, base in zip(per_turn[name], off, strict=True)]
            logger.info(
                "%s",
                f"{'':<6}{name} / off: {statistics.median(ratios):.2f} times the CPU per turn "
                f"(median of the rounds; {min(ratios):.2f} to {max(ratios):.2f})",
            )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def idle_memory(bot: Server, service_url: str, bookings: int) -> None:
    """Growth of the server's memory per conversation left idle after a finished booking."""
    workload = Workload(seed=13)
    await drive(bot, service_url, workload, concurrency=8, bookings=8, expect_replies=True)
    before = bot.rss_bytes()
    await drive(bot, service_url, workload, concurrency=8, bookings=bookings, expect_replies=True)
    grown = bot.rss_bytes() - before
    logger.info(
        "%s",
        f"memory per idle conversation after {bookings} bookings: {grown / bookings:.0f} bytes",
    )


async def stored_state() -> None:
    """The conversation's stored state after 1 and after 10 bookings in it."""
    # Imported here: the rest of the benchmark only talks HTTP to separate processes.
    from aiohttp.test_utils import TestServer

    from app import create_app
    from config import DefaultConfig
    from storage.memory import MemoryStorage

    storage = MemoryStorage()
    connector = Connector()
    config = DefaultConfig.from_env({"RECOGNIZER": "embedded"})
    async with (
        TestServer(connector.app, host="127.0.0.1") as connector_server,
        TestServer(create_app(config, storage=storage), host="127.0.0.1") as bot_server,
        ClientSession() as session,
    ):
        url = str(bot_server.make_url("/api/messages"))
        texts = Workload(repeated=True).booking().texts
        turns = booking("stored", str(connector_server.make_url("/")), True, texts)
        key = "emulator/conversations/stored"
        for done in range(1, 11):
            for number, body in enumerate(turns):
                if done == 1 or number > 0:
                    await post(session, url, {**body, "id": f"{done}-{number}"})
            if done in (1, 10):
                logger.info(
                    "%s",
                    f"stored state after {done} booking(s): {storage.stored_bytes(key)} bytes "
                    "of JSON (as in memory, in a blob, or as a Cosmos DB document's)",
                )


async def main(
    concurrencies: list[int],
    bookings: int,
    idle: int,
    cache: bool,
    telemetry_rounds: int,
    telemetry_only: bool,
) -> None:
    logger.info("build: BOT_SDK=%s (%s)", bot_sdk(), sys.executable)
    bot_command = (sys.executable, "app.py")
    bare_command = (sys.executable, "-m", "benchmarks.load", "--bare")
    # The stub connector and the collector have processes of their own: the channel and the
    # collector are other machines, and their answers should not wait for the load
    # generator's turn on the CPU.
    connector_command = (sys.executable, "-m", "benchmarks.load", "--connector")
    collector_command = (sys.executable, "-m", "benchmarks.load", "--collector")
    settings = {} if cache else {"RECOGNITION_CACHE_SIZE": "0"}
    async with serve(*connector_command, health_path="/healthz") as connector:
        service_url = connector.url.removesuffix("/api/messages") + "/"
        if telemetry_rounds:
            async with serve(*collector_command, health_path="/healthz") as collector:
                await telemetry_cost(
                    bot_command,
                    settings,
                    service_url,
                    collector.url.removesuffix("/api/messages"),
                    telemetry_rounds,
                    TELEMETRY_BOOKINGS,
                )
        if telemetry_only:
            return
        async with (
            serve(*bot_command, health_path="/healthz", settings=settings) as bot,
            serve(*bare_command, health_path="/healthz") as bare,
        ):
            await load(bot, bare, service_url, concurrencies, bookings)
        async with serve(*bot_command, health_path="/healthz", settings=settings) as bot:
            logger.info("bot start to listening: %.2f s", bot.started_in)
            await new_dates(bot, service_url, bookings=100)
        if idle:
            async with serve(*bot_command, health_path="/healthz", settings=settings) as bot:
                await idle_memory(bot, service_url, idle)
    await stored_state()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--bookings", type=int, default=400, help="bookings per run")
    parser.add_argument("--idle", type=int, default=10_000, help="bookings for the memory figure")
    parser.add_argument("--no-cache", action="store_true", help="RECOGNITION_CACHE_SIZE=0")
    parser.add_argument(
        "--telemetry-rounds", type=int, default=10, help="rounds of telemetry off and on (0: none)"
    )
    parser.add_argument(
        "--telemetry-only", action="store_true", help="only the rows of telemetry off and on"
    )
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--connector", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--collector", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    logging.basicConfig(format="%(message)s", stream=sys.stdout)
    logger.setLevel(logging.INFO)  # the benchmark's lines; the bot's own INFO stays out
    arguments = parse()
    if arguments.bare or arguments.connector or arguments.collector:
        stand_in = Collector().app if arguments.collector else Connector().app
        web.run_app(
            bare_app() if arguments.bare else stand_in,
            host=os.environ["HOST"],
            port=int(os.environ["PORT"]),
            access_log=None,
            print=None,
        )
    else:
        asyncio.run(
            main(
                arguments.concurrency,
                arguments.bookings,
                arguments.idle,
                not arguments.no_cache,
                arguments.telemetry_rounds,
                arguments.telemetry_only,
            )
        )
