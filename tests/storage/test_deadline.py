"""Calls to a store within a deadline, and the store's health as /healthz reports it."""

import asyncio
import time

import pytest
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
)

from storage.deadline import StoreCalls
from storage.errors import CorruptRecord, StateConflict, StorageUnreachable


class Probe:
    """A cheap call to the store: counts its calls, fails with `error`, waits for `gate`."""

    def __init__(self) -> None:
        self.calls = 0
        self.error: Exception | None = None
        self.gate: asyncio.Event | None = None

    async def __call__(self) -> None:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def fail(error: Exception) -> None:
    raise error


def http_error(status: int) -> HttpResponseError:
    error = HttpResponseError("the service said no")
    error.status_code = status
    return error


async def test_a_call_that_gets_no_answer_ends_at_its_deadline() -> None:
    calls = StoreCalls("blob storage", 0.05, Probe())
    started = time.monotonic()

    with pytest.raises(StorageUnreachable, match=r"^blob storage: no answer within 0\.05 s$"):
        await calls.run(asyncio.Event().wait())

    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ServiceRequestError("Cannot connect to host 10.1.2.3:443"), "connection failed"),
        (ConnectionResetError(104, "Connection reset by peer"), "connection failed"),
        (http_error(503), "HTTP 503"),
        (
            ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token"),
            "no access token",
        ),
    ],
    ids=["refused", "reset", "http-error", "no-token"],
)
async def test_a_failed_call_names_the_store_and_the_reason_and_no_address(
    error: Exception, reason: str
) -> None:
    calls = StoreCalls("Cosmos DB", 3.0, Probe())

    with pytest.raises(StorageUnreachable) as raised:
        await calls.run(fail(error))

    assert str(raised.value) == f"Cosmos DB: {reason}"


@pytest.mark.parametrize(
    "answer",
    [StateConflict("a has changed since it was read"), CorruptRecord("a", "not JSON")],
    ids=["lost-race", "unreadable-item"],
)
async def test_a_lost_race_or_an_unreadable_item_is_an_answer_and_other_errors_pass_unchanged(
    answer: Exception,
) -> None:
    probe = Probe()
    probe.error = ServiceRequestError("refused")
    calls = StoreCalls("blob storage", 3.0, probe)
    assert await calls.problem() == "blob storage: connection failed"

    with pytest.raises(type(answer)):
        await calls.run(fail(answer))
    with pytest.raises(ValueError, match="etag missing"):
        await calls.run(fail(ValueError("etag missing")))

    assert probe.calls == 1
    assert await calls.problem() is None  # the store answered: no probe needed
    assert probe.calls == 1


async def test_a_recent_answer_vouches_for_the_store_for_five_seconds() -> None:
    probe, clock = Probe(), Clock()
    calls = StoreCalls("blob storage", 3.0, probe, clock=clock)
    await calls.run(asyncio.sleep(0))

    clock.now += 5
    assert await calls.problem() is None
    assert probe.calls == 0

    clock.now += 0.1
    probe.error = ServiceRequestError("refused")
    assert await calls.problem() == "blob storage: connection failed"
    assert probe.calls == 1


async def test_while_the_store_fails_each_health_check_asks_it_again() -> None:
    probe, clock = Probe(), Clock()
    calls = StoreCalls("blob storage", 3.0, probe, clock=clock)
    with pytest.raises(StorageUnreachable):
        await calls.run(fail(http_error(500)))

    probe.error = http_error(500)
    assert await calls.problem() == "blob storage: HTTP 500"
    probe.error = None
    assert await calls.problem() is None
    assert probe.calls == 2


async def test_health_checks_at_the_same_time_share_one_probe() -> None:
    probe = Probe()
    probe.gate = asyncio.Event()
    calls = StoreCalls("blob storage", 3.0, probe)

    checks = [asyncio.create_task(calls.problem()) for _ in range(3)]
    await asyncio.sleep(0)  # each check starts, and waits for the probe
    probe.gate.set()

    assert await asyncio.gather(*checks) == [None, None, None]
    assert probe.calls == 1
