"""Load benchmark: the bot over real HTTP on 127.0.0.1, against a bare aiohttp route.

    python -m benchmarks.load [--concurrency 1 8 64] [--bookings 20] [--idle 10000]

Starts `app.py` (embedded recognizer, authentication off) in a process of its own, and a
bare route in another. N concurrent conversations each book a flight (greeting, request,
origin, `tomorrow`, `yes`), with replies posted to a stub connector at `serviceUrl` and
with `expectReplies`. Prints turns/s, turn latency percentiles, the server's CPU per turn,
and the ratio to the bare route; then the bot's start-to-listening time and its memory
per idle conversation after `--idle` conversations.
"""

import argparse
import asyncio
import itertools
import logging
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, TCPConnector, web

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
# Every conversation in a run is new: the bot skips activities it has seen before.
CONVERSATIONS = itertools.count()
logger = logging.getLogger("benchmarks.load")


@dataclass
class Server:
    process: asyncio.subprocess.Process
    url: str
    started_in: float  # seconds from spawn to answering

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
async def serve(*command: str, health_path: str) -> AsyncIterator[Server]:
    """Run `command` (which listens on $PORT) until the block ends."""
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "RECOGNIZER": "embedded"}
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
    server = Server(process, url + "/api/messages", time.perf_counter() - started)
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


class Connector:
    """The Bot Connector stand-in the bot posts its replies to."""

    def __init__(self) -> None:
        self.replies = 0
        self.app = web.Application()
        self.app.router.add_post("/v3/conversations/{tail:.*}", self._post)

    async def _post(self, request: web.Request) -> web.Response:
        await request.read()
        self.replies += 1
        return web.json_response({"id": str(self.replies)})


def booking(conversation: str, service_url: str, expect_replies: bool) -> list[dict[str, Any]]:
    common: dict[str, Any] = {
        "channelId": "emulator",
        "serviceUrl": service_url,
        "conversation": {"id": conversation},
        "from": {"id": f"user-{conversation}"},
        "recipient": {"id": "bot"},
        "locale": "en-US",
    }
    if expect_replies:
        common["deliveryMode"] = "expectReplies"
    join = {"type": "conversationUpdate", "membersAdded": [{"id": f"user-{conversation}"}]}
    texts = ["book a flight to Paris", "Berlin", "tomorrow", "yes"]
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
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def drive(
    server: Server, service_url: str, *, concurrency: int, bookings: int, expect_replies: bool
) -> Measure:
    """`concurrency` conversations at a time, `bookings` full bookings each, one after another."""
    latencies: list[float] = []

    async def user(session: ClientSession) -> None:
        for _ in range(bookings):
            for body in booking(f"c{next(CONVERSATIONS)}", service_url, expect_replies):
                started = time.perf_counter()
                async with session.post(server.url, json=body) as response:
                    await response.read()
                    if response.status not in (200, 201):
                        raise RuntimeError(f"turn answered {response.status}")
                latencies.append(time.perf_counter() - started)

    async with ClientSession(connector=TCPConnector(limit=concurrency)) as session:
        cpu = server.cpu_seconds()
        started = time.perf_counter()
        await asyncio.gather(*(user(session) for _ in range(concurrency)))
        seconds = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu
    return Measure(len(latencies), seconds, cpu, latencies)


def row(label: str, measure: Measure, bare: Measure | None) -> str:
    rate = measure.turns / measure.seconds
    cpu_ms = 1000 * measure.cpu_seconds / measure.turns
    text = (
        f"{label:<34} {rate:8.0f} turns/s  p50 {1000 * measure.percentile(50):6.1f}  "
        f"p95 {1000 * measure.percentile(95):6.1f}  p99 {1000 * measure.percentile(99):6.1f} ms  "
        f"CPU {cpu_ms:5.2f} ms/turn"
    )
    if bare is not None:
        text += f"  bare route: {bare.turns / bare.seconds / rate:.1f}x the turns/s"
        if bare.cpu_seconds:
            ratio = measure.cpu_seconds / bare.cpu_seconds * bare.turns / measure.turns
            text += f", {ratio:.0f}x less CPU per turn"
    return text


async def idle_memory(server: Server, service_url: str, conversations: int) -> float:
    """Bytes of server memory per conversation left idle after a finished booking."""
    before = server.rss_bytes()
    await drive(
        server, service_url, concurrency=8, bookings=conversations // 8, expect_replies=True
    )
    return (server.rss_bytes() - before) / conversations


async def main(concurrencies: list[int], bookings: int, idle: int) -> None:
    connector = Connector()
    runner = web.AppRunner(connector.app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    service_url = f"http://127.0.0.1:{port}/"
    try:
        bot_command = (sys.executable, "app.py")
        bare_command = (sys.executable, "-m", "benchmarks.load", "--bare")
        async with (
            serve(*bot_command, health_path="/healthz") as bot,
            serve(*bare_command, health_path="/healthz") as bare,
        ):
            print(f"bot start to listening: {bot.started_in:.2f} s")  # noqa: T201
            for expect_replies in (False, True):
                mode = "expectReplies" if expect_replies else "replies to serviceUrl"
                for concurrency in concurrencies:
                    runs = {}
                    for name, server in (("bare", bare), ("bot", bot)):
                        runs[name] = await drive(
                            server,
                            service_url,
                            concurrency=concurrency,
                            bookings=bookings,
                            expect_replies=expect_replies,
                        )
                    label = f"{mode}, N={concurrency}"
                    print(row(f"bot   {label}", runs["bot"], runs["bare"]))  # noqa: T201
                    print(row(f"bare  {label}", runs["bare"], None))  # noqa: T201
            if idle:
                per_conversation = await idle_memory(bot, service_url, idle)
                print(  # noqa: T201
                    f"memory per idle conversation after {idle} bookings: "
                    f"{per_conversation / 1024:.2f} KiB"
                )
    finally:
        await runner.cleanup()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--bookings", type=int, default=20, help="bookings per conversation slot")
    parser.add_argument("--idle", type=int, default=10_000, help="bookings for the memory figure")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    arguments = parse()
    if arguments.bare:
        web.run_app(
            bare_app(),
            host=os.environ["HOST"],
            port=int(os.environ["PORT"]),
            access_log=None,
            print=None,
        )
    else:
        asyncio.run(main(arguments.concurrency, arguments.bookings, arguments.idle))
