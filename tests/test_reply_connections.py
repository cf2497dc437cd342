"""Replies reach the channel across a load balancer that forgets idle connections, through the
proxy the environment names, and past answers too long to read."""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from config import DefaultConfig
from tests.conftest import (
    EmulatorClient,
    RecordingProxy,
    StartBot,
    StubConnector,
    reset,
    served,
    tcp_server,
)


class LoadBalancer:
    """A TCP relay on 127.0.0.1 in front of the channel, as Azure's load balancers are.

    Once a connection has been idle `forgets_after` seconds, the balancer forgets it: what
    the bot sends on it later goes nowhere, and neither end is told. While `resetting`, a
    request on a connection that has carried an answer before gets a reset (RST) instead of
    reaching the channel; while `resetting_answers`, it reaches the channel, and the channel's
    answer is replaced by a reset.
    """

    def __init__(self, channel_port: int) -> None:
        self.channel_port = channel_port
        self.url = ""
        self.forgets_after: float | None = None
        self.resetting = False
        self.resetting_answers = False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        upstream_reader, upstream_writer = await asyncio.open_connection(
            "127.0.0.1", self.channel_port
        )
        last_byte = loop.time()
        answered = reset_next_answer = False

        async def answers() -> None:
            nonlocal last_byte, answered
            try:
                while data := await upstream_reader.read(65536):
                    if reset_next_answer:
                        reset(writer)
                        return
                    last_byte, answered = loop.time(), True
                    writer.write(data)
                    await writer.drain()
            except ConnectionError:
                pass
            finally:
                writer.close()

        answering = asyncio.create_task(answers())
        try:
            while data := await reader.read(65536):
                if self.forgets_after is not None and loop.time() - last_byte > self.forgets_after:
                    await reader.read()  # into the void, until the bot gives up
                    return
                if answered and self.resetting:
                    reset(writer)
                    return
                reset_next_answer = answered and self.resetting_answers
                last_byte = loop.time()
                upstream_writer.write(data)
                await upstream_writer.drain()
        except ConnectionError:
            pass
        finally:
            upstream_writer.close()
            await answering


@pytest.fixture
async def balancer(connector: tuple[StubConnector, str]) -> AsyncIterator[LoadBalancer]:
    _, service_url = connector
    balancer = LoadBalancer(int(service_url.rstrip("/").rsplit(":", 1)[1]))
    async with tcp_server(balancer.handle) as port:
        balancer.url = f"http://127.0.0.1:{port}/"
        yield balancer


async def behind(balancer: LoadBalancer, start_bot: StartBot, **settings: str) -> EmulatorClient:
    """The bot with these settings, its replies going through the balancer; joined."""
    emulator = await start_bot(DefaultConfig.from_env(settings))
    emulator = emulator.in_conversation("conversation-1", balancer.url)
    await emulator.join()
    return emulator


async def test_the_first_reply_after_a_quiet_spell_is_not_lost(
    start_bot: StartBot, balancer: LoadBalancer
) -> None:
    emulator = await behind(balancer, start_bot, OUTBOUND_TIMEOUT="2", OUTBOUND_IDLE_TIMEOUT="0.2")
    balancer.forgets_after = 0.5

    await asyncio.sleep(0.8)  # the quiet spell itself: longer than the balancer remembers

    assert await emulator.say("fly from Berlin to Paris") == [
        "On what date would you like to travel?"
    ]


async def test_a_reply_whose_kept_alive_connection_is_reset_is_sent_on_a_new_one(
    start_bot: StartBot, balancer: LoadBalancer, tomorrow: str
) -> None:
    emulator = await behind(balancer, start_bot)
    balancer.resetting = True

    assert await emulator.say("fly from Berlin to Paris tomorrow") == [
        f"Please confirm, I have you traveling to: Paris from: Berlin on: {tomorrow}."
    ]
    assert await emulator.say("yes") == [
        f"I have you booked to Paris from Berlin on {tomorrow}",
        "What else can I do for you?",
    ]


async def test_a_reply_the_channel_took_before_its_connection_died_is_shown_twice(
    start_bot: StartBot, balancer: LoadBalancer
) -> None:
    """The one case where sending again posts twice (README, What the service promises)."""
    emulator = await behind(balancer, start_bot)
    balancer.resetting_answers = True

    assert await emulator.say("fly from Berlin to Paris") == [
        "On what date would you like to travel?",
        "On what date would you like to travel?",
    ]


async def test_replies_go_through_the_proxy_the_environment_names(
    start_bot: StartBot, proxy: RecordingProxy
) -> None:
    emulator = await start_bot(
        DefaultConfig.from_env({"http_proxy": proxy.url, "NO_PROXY": "example.com"})
    )
    replies = await emulator.join()
    message = emulator.activity(text="fly from Berlin to Paris")

    assert [reply.get("text") for reply in await emulator.post(message)] == [
        "On what date would you like to travel?"
    ]
    lines = proxy.request_lines()
    assert len(lines) == len(replies) + 1
    assert lines[-1] == (
        f"POST {emulator.service_url}v3/conversations/conversation-1/activities/{message['id']}"
        " HTTP/1.1"
    )


async def test_replies_to_a_host_no_proxy_names_go_direct(
    start_bot: StartBot, proxy: RecordingProxy
) -> None:
    emulator = await start_bot(
        DefaultConfig.from_env({"HTTP_PROXY": proxy.url, "NO_PROXY": "localhost,127.0.0.1"})
    )
    await emulator.join()

    assert await emulator.say("fly from Berlin to Paris") == [
        "On what date would you like to travel?"
    ]
    assert proxy.sent == []


async def endless(request: web.Request) -> web.StreamResponse:
    """Takes the reply, then answers 201 with a body that does not end."""
    request.app[TAKEN].append(await request.json())
    response = web.StreamResponse(status=201, headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        while True:  # until the bot closes the connection
            await response.write(b" " * 16384)
            await asyncio.sleep(0.001)  # paced: a bot that kept it all would fill slowly
    except ConnectionError:
        return response


TAKEN = web.AppKey("taken", list[dict[str, Any]])


async def test_a_reply_answered_with_an_endless_body_is_delivered(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    channel = web.Application()
    channel[TAKEN] = []
    channel.router.add_post("/v3/conversations/{tail:.*}", endless)
    async with served(channel) as server:
        emulator = await start_bot(DefaultConfig.from_env({"OUTBOUND_TIMEOUT": "2"}))
        emulator = emulator.in_conversation("conversation-1", str(server.make_url("/")))
        channel_host = f"{server.host}:{server.port}"
        await emulator.join()
        await emulator.post(emulator.activity(text="fly from Berlin to Paris"))

    assert [reply.get("text") for reply in channel[TAKEN]] == [
        None,  # the welcome card
        "What can I help you with today?",
        "On what date would you like to travel?",
    ]
    warnings = [
        record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING
    ]
    assert warnings == [
        f"{operation} to {channel_host}: HTTP 201 with a body over 65536 bytes, not read"
        for operation in ("send_to_conversation", "send_to_conversation", "reply_to_activity")
    ]
